import { render } from "preact";
import { App } from "./app/App";
import { boot } from "./app/live";
import "./styles/base.css";
import "./styles/welcome.css";
import "./styles/layout.css";
import "./styles/list.css";
import "./styles/ticket.css";
import "./styles/dialogs.css";
import "./styles/compose.css";
import "./styles/reports.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
void boot();
