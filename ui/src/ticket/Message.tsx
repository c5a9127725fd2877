/**
 * One message of the conversation: who, when, the body in its frame, images, attachments; or,
 * folded, one line (who, the start of the text, when) that opens it.
 */

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import * as api from "../api/commands";
import type { AttachmentInfo, MessageBody, MessageLine } from "../api/bindings";
import { showError } from "../app/toast";
import { openComposer } from "../compose/run";
import { openAttachment, startSave } from "../dialogs/Attachments";
import { senderName } from "../text/people";
import { fullDate } from "../text/time";
import { makeFrame, wireFrame } from "./frame";

function Frame({ doc, title, onShown }: { doc: string; title: string; onShown: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const shown = useRef(onShown);
  shown.current = onShown;
  useLayoutEffect(() => {
    const holder = box.current;
    if (!holder) return;
    let unwire = () => {};
    const layer = document.createElement("div");
    layer.className = "hotspots";
    const frame = makeFrame(doc, title, (f) => {
      unwire();
      unwire = wireFrame(f, layer);
      shown.current();
    });
    holder.replaceChildren(frame, layer);
    return () => {
      unwire();
      frame.remove();
    };
  }, [doc]);
  return <div class="frame-box" ref={box} />;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function Attachments({ messageId, items }: { messageId: string; items: AttachmentInfo[] }) {
  const shown = items.filter((a) => !a.inline);
  if (shown.length === 0) return null;
  return (
    <ul class="attachments">
      {shown.map((a) => (
        <li key={a.index} class={a.executable ? "attachment executable" : "attachment"} data-index={a.index}>
          <span class="attachment-name" title={a.mime}>
            {a.name}
          </span>
          <span class="attachment-size">{size(a.size)}</span>
          <button type="button" class="attachment-save" onClick={() => void startSave(messageId, a.index, a.name)}>
            Save
          </button>
          <button type="button" class="attachment-open" onClick={() => void openAttachment(messageId, a.index, a.name)}>
            Open
          </button>
        </li>
      ))}
    </ul>
  );
}

interface Props {
  line: MessageLine;
  /** The body as the ticket page brought it (images blocked); fetched when absent. */
  initial?: MessageBody;
  /** Shown as one line; its body is fetched when it unfolds. */
  folded: boolean;
  /** This message's image bar carries the #images-… ids (the first one blocked). */
  imageIds: boolean;
  onUnfold: (messageId: string) => void;
  onShown: (messageId: string) => void;
  onBlocked: (messageId: string, blocked: boolean) => void;
}

export function Message({ line, initial, folded, imageIds, onUnfold, onShown, onBlocked }: Props) {
  const [body, setBody] = useState<MessageBody | null>(initial ?? null);
  const [failed, setFailed] = useState(false);
  const id = line.message_id;

  const load = async (images: boolean) => {
    try {
      setBody(await api.messageBody(id, images));
    } catch (error) {
      setFailed(true);
      onShown(id);
      showError(error);
    }
  };
  useEffect(() => {
    if (!folded && !body) void load(false);
  }, [id, folded]);

  const blocked = !!body && body.rendered.remote_images > 0 && !body.images_loaded;
  useEffect(() => onBlocked(id, blocked), [blocked]);

  const always = async () => {
    if (!body) return;
    try {
      await api.imagesAlways(body.sender);
      await load(false);
    } catch (error) {
      showError(error);
    }
  };

  const classes = ["message"];
  if (line.team) classes.push("team");
  if (line.automated) classes.push("automated");
  if (folded) {
    classes.push("folded");
    return (
      <article class={classes.join(" ")} data-message-id={id}>
        <button type="button" class="message-unfold" title="Show this message" onClick={() => onUnfold(id)}>
          <span class="from" title={line.from}>
            {senderName(line.from)}
          </span>
          <span class="fold-snippet">{line.snippet}</span>
          <time dateTime={line.date} title={line.date}>
            {fullDate(line.date)}
          </time>
        </button>
      </article>
    );
  }
  const n = body?.rendered.remote_images ?? 0;
  return (
    <article class={classes.join(" ")} data-message-id={id}>
      <header class="message-head">
        <span class="from">{line.from}</span>
        {line.team && <span class="badge team-badge">team</span>}
        {line.automated && <span class="badge automated-badge">automated</span>}
        <span class="to">to {line.to.join(", ")}</span>
        <time dateTime={line.date} title={line.date}>
          {fullDate(line.date)}
        </time>
        <button type="button" class="message-forward link-button" title="Forward this message (f forwards the last one)" onClick={() => void openComposer("forward", id)}>
          Forward
        </button>
      </header>
      {blocked && (
        <div class="images-bar" id={imageIds ? "images-bar" : undefined} role="note">
          <span>
            {n} remote image{n === 1 ? "" : "s"} blocked
          </span>
          <button type="button" class="images-once" id={imageIds ? "images-once" : undefined} onClick={() => void load(true)}>
            Load once
          </button>
          <button type="button" class="images-always" id={imageIds ? "images-always" : undefined} onClick={() => void always()}>
            Always for {body?.sender}
          </button>
        </div>
      )}
      {body ? (
        <Frame doc={body.rendered.document} title={`Message from ${line.from}`} onShown={() => onShown(id)} />
      ) : (
        <p class={failed ? "body-failed" : "body-loading"}>{line.snippet}</p>
      )}
      {body && <Attachments messageId={id} items={body.rendered.attachments} />}
    </article>
  );
}
