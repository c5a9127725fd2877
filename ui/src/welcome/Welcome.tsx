/**
 * #welcome, the first run: add the support mailbox (test it first if you like), say who you
 * are, or look around the demo workspace.
 */

import { useEffect, useState } from "preact/hooks";
import * as api from "../api/commands";
import type { AccountInput, AppInfo } from "../api/bindings";
import { toCommandError } from "../api/error";
import { markWelcomeReady } from "../app/marks";
import { showError } from "../app/toast";
import { MeForm } from "./MeForm";

interface Fields {
  name: string;
  email: string;
  host: string;
  port: string;
  security: string;
  user: string;
  password: string;
  ca: string;
}

export function accountInput(f: Fields): AccountInput | { error: string } {
  const port = f.port.trim();
  let imap_port: number | null = null;
  if (port) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) return { error: `“${port}” is not a port number` };
    imap_port = n;
  }
  return {
    name: f.name.trim() || "support",
    email: f.email.trim(),
    aliases: [],
    imap_host: f.host.trim(),
    imap_port,
    security: f.security,
    user: f.user.trim() || null,
    password: f.password,
    ca_cert: f.ca.trim() || null,
  };
}

type TestResult = { ok: true; text: string } | { ok: false; text: string } | null;

export function Welcome({ info, onInfo }: { info: AppInfo; onInfo: (info: AppInfo) => void }) {
  const [f, setF] = useState<Fields>({
    name: "support",
    email: "",
    host: "",
    port: "",
    security: "tls",
    user: "",
    password: "",
    ca: "",
  });
  const [test, setTest] = useState<TestResult>(null);
  const [busy, setBusy] = useState<"" | "test" | "save" | "demo">("");
  const [added, setAdded] = useState(false);
  useEffect(() => {
    requestAnimationFrame(markWelcomeReady);
    document.getElementById("acct-email")?.focus();
  }, []);

  const field = (key: keyof Fields) => ({
    value: f[key],
    onInput: (e: Event) => setF({ ...f, [key]: (e.currentTarget as HTMLInputElement).value }),
  });

  const input = (): AccountInput | null => {
    const built = accountInput(f);
    if ("error" in built) {
      showError({ kind: "usage", message: built.error });
      return null;
    }
    return built;
  };

  const runTest = async () => {
    const acct = input();
    if (!acct) return;
    setBusy("test");
    setTest(null);
    try {
      const folders = await api.accountTest(acct);
      setTest({ ok: true, text: `Connected — ${folders.length} folder${folders.length === 1 ? "" : "s"}` });
    } catch (error) {
      const e = toCommandError(error);
      setTest({ ok: false, text: e.message });
    } finally {
      setBusy("");
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const acct = input();
    if (!acct) return;
    setBusy("save");
    try {
      await api.accountAdd(acct);
      // Where things stand now, not as the add saw them: "who are you" may have been
      // answered while the mailbox was being added.
      const next = await api.appInfo();
      setAdded(true);
      if (next.me) onInfo(next);
      else {
        // Stay here until we know who is using Siphon.
        onInfo({ ...next, configured: false });
        // Unless the person is already filling it in: focus never jumps under their typing.
        setTimeout(() => {
          if (!document.getElementById("me-form")?.contains(document.activeElement)) {
            document.getElementById("me-name")?.focus();
          }
        }, 0);
      }
    } catch (error) {
      showError(error);
    } finally {
      setBusy("");
    }
  };

  const demo = async () => {
    setBusy("demo");
    try {
      onInfo(await api.openDemo());
    } catch (error) {
      showError(error);
    } finally {
      setBusy("");
    }
  };


  return (
    <main id="welcome">
      <header class="welcome-head">
        <h1 id="title">
          {info.name} {info.version}
        </h1>
        <p class="lede">A shared inbox for your support team. Everything stays on this computer and your mail server.</p>
      </header>

      <div class="welcome-paths">
        <section class="card">
          <h2>{added ? "Mailbox added" : "Add your support mailbox"}</h2>
          {added ? (
            <p class="ok">Syncing has started. One more thing: tell Siphon who you are.</p>
          ) : (
            <form id="account-form" onSubmit={save}>
              <label>
                <span>Short name</span>
                <input id="acct-name" {...field("name")} />
              </label>
              <label>
                <span>Email address</span>
                <input id="acct-email" type="email" required placeholder="support@company.com" {...field("email")} />
              </label>
              <div class="field-row">
                <label class="grow">
                  <span>IMAP server</span>
                  <input id="acct-host" required placeholder="imap.company.com" spellcheck={false} {...field("host")} />
                </label>
                <label class="port">
                  <span>Port</span>
                  <input id="acct-port" inputMode="numeric" placeholder="default" {...field("port")} />
                </label>
                <label>
                  <span>Security</span>
                  <select id="acct-security" value={f.security} onChange={(e) => setF({ ...f, security: e.currentTarget.value })}>
                    <option value="tls">TLS</option>
                    <option value="starttls">STARTTLS</option>
                    <option value="plain">None (this machine only)</option>
                  </select>
                </label>
              </div>
              <label>
                <span>User name</span>
                <input id="acct-user" placeholder="the email address" spellcheck={false} {...field("user")} />
              </label>
              <label>
                <span>Password</span>
                <input id="acct-password" type="password" autocomplete="current-password" {...field("password")} />
              </label>
              <label>
                <span>CA certificate (optional, for a self-hosted server)</span>
                <input id="acct-ca" placeholder="/path/to/ca.pem" spellcheck={false} {...field("ca")} />
              </label>
              <div class="buttons">
                <button type="button" id="acct-test" disabled={!!busy} onClick={() => void runTest()}>
                  {busy === "test" ? "Testing…" : "Test connection"}
                </button>
                <button type="submit" id="acct-save" class="primary" disabled={!!busy}>
                  {busy === "save" ? "Adding…" : "Add mailbox"}
                </button>
              </div>
              <p id="acct-test-result" class={test ? (test.ok ? "ok" : "error") : ""} role="status" aria-live="polite">
                {test?.text ?? ""}
              </p>
            </form>
          )}
          <h2 class="me-title">Who are you</h2>
          <p class="hint">Your name goes on your changes (“Maya closed this”).</p>
          {info.me ? (
            <p class="ok" id="me-known">
              You are {info.me.name} &lt;{info.me.email}&gt;.
            </p>
          ) : (
            <MeForm onSaved={onInfo} />
          )}
        </section>

        <section class="card demo-card">
          <h2>Just looking?</h2>
          <p>Open a workspace of made-up but realistic tickets to try everything out. Nothing leaves this computer.</p>
          <button type="button" id="demo-open" class="primary" disabled={!!busy} onClick={() => void demo()}>
            {busy === "demo" ? "Opening…" : "Explore the demo workspace"}
          </button>
        </section>
      </div>
    </main>
  );
}
