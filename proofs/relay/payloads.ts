// The Codex hook payloads a proof sends, and reading the decisions the relay answers with.

export const provider = "codex";
/** The relay's events, in the order hooks meet them. */
export const relayEvents = ["pre_tool_use", "post_tool_use", "permission_request", "before_agent_finalize"];
export const sessionId = "relay-proof-session";

let counter = 0;
/** A fresh, recognisable id: every proof and every census piece gets its own relays and tool calls. */
export function freshId(label: string): string {
  counter += 1;
  return `relay-proof-${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function preToolUse(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hook_event_name: "PreToolUse",
    session_id: sessionId,
    tool_name: "Bash",
    tool_input: { command: "echo relay-proof" },
    ...extra,
  };
}

/** A PermissionRequest; the allow-always cache keys on tool, cwd and input, never on the tool_use_id. */
export function permissionRequest(toolUseId: string, command: string): Record<string, unknown> {
  return {
    hook_event_name: "PermissionRequest",
    session_id: sessionId,
    cwd: "/relay-proof/workspace",
    tool_name: "Bash",
    tool_use_id: toolUseId,
    tool_input: { command },
  };
}

/** `allow`, `deny` or `none` (no decision: the provider's own approval path), from a relay answer. */
export function permissionDecision(value: unknown): "allow" | "deny" | "none" {
  const stdout = (value as { stdout?: unknown } | null)?.stdout;
  if (typeof stdout !== "string" || stdout.trim() === "") return "none";
  try {
    const parsed = JSON.parse(stdout) as { hookSpecificOutput?: { decision?: { behavior?: unknown } } };
    const behavior = parsed.hookSpecificOutput?.decision?.behavior;
    return behavior === "allow" || behavior === "deny" ? behavior : "none";
  } catch {
    return "none";
  }
}
