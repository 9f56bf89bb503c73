/**
 * What the client told the server about the session: display language, workspace trust, the
 * user's tool paths (protocol.ts `InitializationOptions`, DID_CHANGE_SESSION_NOTIFICATION). One
 * server process serves one session, so this is process state; read it where a feature needs it
 * (`session.locale` for messages, `session.trusted` and `session.tools` before running a tool)
 * and subscribe with `onDidChangeSession` to act when trust is granted.
 */
import type { ToolPaths } from './protocol';

export interface Session {
  /** `en` unless the client said otherwise (lower case, e.g. `zh-cn`). */
  locale: string;
  /** True only when the client said the workspace is trusted (see protocol.ts `trusted`). */
  trusted: boolean;
  tools: ToolPaths;
}

export const session: Session = { locale: 'en', trusted: false, tools: {} };

type Listener = (s: Session, previous: Session) => void;
const listeners = new Set<Listener>();

/** Calls `listener` after each change of the session; returns the unsubscribe function. */
export function onDidChangeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

function toolPaths(v: unknown): ToolPaths | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const out: ToolPaths = {};
  for (const k of ['helm', 'kustomize'] as const) {
    const p = o[k];
    if (typeof p === 'string' && p.trim() && p.length < 4096) out[k] = p.trim();
  }
  return out;
}

/** Applies what the client sent (initializationOptions or a session notification); unknown or ill-typed fields are ignored. */
export function updateSession(change: { locale?: unknown; trusted?: unknown; tools?: unknown }): void {
  const previous: Session = { ...session, tools: { ...session.tools } };
  if (typeof change.locale === 'string' && /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/.test(change.locale)) session.locale = change.locale.toLowerCase().replace(/_/g, '-');
  if (typeof change.trusted === 'boolean') session.trusted = change.trusted;
  const tools = toolPaths(change.tools);
  if (tools) session.tools = tools;
  if (previous.locale === session.locale && previous.trusted === session.trusted && JSON.stringify(previous.tools) === JSON.stringify(session.tools)) return;
  for (const l of [...listeners]) {
    try { l(session, previous); } catch { /* a listener's failure is its own */ }
  }
}
