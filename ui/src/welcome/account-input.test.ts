import { describe, expect, it } from "vitest";
import { accountInput } from "./Welcome";

const base = { name: "", email: " support@acme.io ", host: "imap.acme.io", port: "", security: "tls", user: "", password: "pw", ca: " " };

describe("the first-run account form", () => {
  it("sends empty optional fields as null so the backend picks its defaults", () => {
    expect(accountInput(base)).toEqual({
      name: "support",
      email: "support@acme.io",
      aliases: [],
      imap_host: "imap.acme.io",
      imap_port: null,
      security: "tls",
      user: null,
      password: "pw",
      ca_cert: null,
    });
  });

  it("reads a port and refuses a bad one", () => {
    expect(accountInput({ ...base, port: "993" })).toMatchObject({ imap_port: 993 });
    expect(accountInput({ ...base, port: "99999" })).toEqual({ error: "“99999” is not a port number" });
    expect(accountInput({ ...base, port: "imap" })).toHaveProperty("error");
  });

  it("keeps the user name and the CA certificate path when given", () => {
    expect(accountInput({ ...base, user: "helpdesk", ca: "/etc/ca.pem" })).toMatchObject({ user: "helpdesk", ca_cert: "/etc/ca.pem" });
  });
});
