/** Whichever dialog is up. */

import * as api from "../api/commands";
import { showError } from "../app/toast";
import { Palette } from "../palette/Palette";
import { Shortcuts } from "../palette/Shortcuts";
import { linkQuestion } from "../ticket/link";
import { ExecConfirm, SaveDialog } from "./Attachments";
import { closeModal, modal } from "./state";
import { Modal } from "./Modal";
import { Prompt } from "./Prompt";
import { Settings } from "./Settings";
import { NewConversation } from "../compose/NewConversation";
import { OutboxView } from "../compose/OutboxView";
import { TemplateManager } from "../compose/TemplateManager";
import { TemplatePicker } from "../compose/TemplatePicker";

function LinkConfirm({ url }: { url: string }) {
  const open = async () => {
    closeModal();
    try {
      await api.openLink(url);
    } catch (error) {
      showError(error);
    }
  };
  return (
    <Modal id="link-confirm" label="Open link?" onClose={closeModal}>
      <p class="link-question">{linkQuestion(url)}</p>
      <p class="link-target">
        <code>{url}</code>
      </p>
      <div class="buttons">
        <button type="button" id="link-cancel" onClick={closeModal}>
          Cancel
        </button>
        <button type="button" id="link-open" class="primary" onClick={open}>
          Open
        </button>
      </div>
    </Modal>
  );
}

export function Modals() {
  const m = modal.value;
  if (!m) return null;
  switch (m.type) {
    case "palette":
      return <Palette />;
    case "shortcuts":
      return <Shortcuts />;
    case "settings":
      return <Settings />;
    case "template-pick":
      return <TemplatePicker />;
    case "outbox":
      return <OutboxView />;
    case "templates":
      return <TemplateManager />;
    case "compose-new":
      return <NewConversation />;
    case "prompt":
      return <Prompt key={m.id} spec={m} />;
    case "link":
      return <LinkConfirm url={m.url} />;
    case "save":
      return <SaveDialog {...m} />;
    case "exec":
      return <ExecConfirm {...m} />;
  }
}
