import { invoke } from "@tauri-apps/api/core";
import { type AppInfo, describeError, formatTitle } from "./app-info";

async function showAppInfo(): Promise<void> {
  const title = document.getElementById("title");
  const status = document.getElementById("status");
  try {
    const info = await invoke<AppInfo>("app_info");
    const text = formatTitle(info);
    if (title) title.textContent = text;
    document.title = text;
  } catch (error) {
    if (status) status.textContent = `Could not read the app version: ${describeError(error)}`;
  }
}

void showAppInfo();
