/**
 * The core data model shared by every face of Shipshape (editor, CLI).
 * Pure data: no `vscode`, no file system, no processes.
 */
import type { Text } from './l10n/text';

/** Severity of a finding, from the rule's metadata or a user override. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Severities from most to least severe. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Rank of a severity: higher is more severe (critical = 4, info = 0). */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

/** 0-based position, as in LSP and VS Code. */
export interface Position { line: number; character: number }
/** 0-based, end-exclusive range. */
export interface Range { start: Position; end: Position }

/** A plain text replacement; applying edits is the caller's job. */
export interface TextEdit { range: Range; newText: string }

export type FixKind = 'quickfix' | 'refactor';

/** A fix computed by a rule: minimal text edits against the analysed text. */
export interface Fix {
  title: string;
  /** The title as a template (id, English, arguments), for clients that show another locale (`core/l10n`). */
  l10n?: Text;
  kind: FixKind;
  /** Safe fixes are applied by "fix all" and `shipshape fix` without `--all`. */
  safe: boolean;
  /** The primary fix for its finding (VS Code `isPreferred`). */
  preferred?: boolean;
  /** When true, `newText` of the (single) edit is a VS Code snippet with placeholders: editor only. */
  snippet?: boolean;
  edits: TextEdit[];
}

/** Where a finding comes from: the file kinds Shipshape understands. */
export type FileKind = 'dockerfile' | 'kubernetes' | 'compose' | 'github-workflow';

/** Pod Security Standards level a Kubernetes rule belongs to, if any. */
export type PssLevel = 'baseline' | 'restricted';

/** Metadata of a rule: what the docs page, hover, SARIF and settings show. */
export interface RuleMeta {
  /** Stable id of ours, e.g. `docker-root-user`. Used in suppression comments and settings. */
  id: string;
  title: string;
  severity: Severity;
  appliesTo: FileKind;
  /** Public ids the rule corresponds to: Trivy DS-/KSV-, hadolint DL, PSS control, CIS item. */
  references: string[];
  /** PSS level, for Kubernetes rules that implement a Pod Security Standards control. */
  pss?: PssLevel;
  /** Why it matters (one paragraph, plain text). */
  description: string;
  /** How to fix it (one paragraph, plain text). */
  remediation: string;
  /** Rules that are noisy or need configuration are off until enabled. */
  defaultEnabled?: boolean;
  /**
   * Rules (ids) that report the same problem on the same node, e.g. the baseline rule a
   * restricted one extends: where one of them has a finding, this rule's finding there is folded
   * into it (one problem, one finding; the higher severity and both rules' references are kept).
   */
  coveredBy?: readonly string[];
  /**
   * Rules (ids) this rule reports together where their findings are on the same node (a container
   * with none of the four resource settings: one finding, not four). It stands only where one of
   * them reports (each keeps its own on/off, severity and suppression); their findings there are
   * folded into it, which then carries their references and, unless its own id is configured,
   * their highest severity. Configured or suppressed by its own id only.
   */
  combines?: readonly string[];
  /** The rule that `combines` this one: its id also configures and suppresses this rule (after our id and references). */
  partOf?: string;
  /**
   * A prefix of the facts (see `Analyzer.facts`) this rule's findings settle against (`settle`):
   * none stands unless a text of the run states such a fact, so a text analysed alone without one
   * skips the rule, and so does every text of a run that ruled the prefix out (AnalysisRun.ruleOut).
   */
  settlesOn?: string;
}

/** Extra location attached to a finding, e.g. the pod-level field a container inherits. */
export interface RelatedInfo {
  range: Range;
  message: string;
  /** The message as a template, for other locales (`core/l10n`). */
  l10n?: Text;
  /** Set when the location is in another file than the finding (a Helm chart's values.yaml): its path as the caller named it. */
  file?: string;
}

/** One problem found in a file. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  /** In English; `l10n` is the same message as a template (id and arguments) for other locales (`core/l10n`). */
  message: string;
  l10n?: Text;
  range: Range;
  references: string[];
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** Rendered faded / struck through by editors. */
  tags?: Array<'unnecessary' | 'deprecated'>;
}

/** A rule: metadata plus a check over a parsed model of type `M`. */
export interface Rule<M> extends RuleMeta {
  check(model: M, report: Reporter, run?: RuleRun): void;
}

/**
 * What a rule may ask of the analysis it runs in, before it builds a report that `requires` a
 * fact: whether that fact can be stated at all (a text analysed alone states only its own facts;
 * a run may have ruled some out). A report that could not stand need not be built.
 */
export interface RuleRun {
  mayStand(fact: string): boolean;
}

/** What a rule reports; the engine fills in severity/references from the metadata and config. */
export interface Report {
  /**
   * The English message. A report may give only its template (`l10n: frag(id, english, args)`):
   * the engine then renders the English once, when it makes the finding (so a rule's code does
   * not carry the renderer: a large manifest has thousands of reports of a few rules).
   */
  message?: string;
  /** The message as a template (`...msg(id, english, args)` from `core/l10n/text.ts` sets both). */
  l10n?: Text;
  range: Range;
  related?: RelatedInfo[];
  fixes?: Fix[];
  tags?: Array<'unnecessary' | 'deprecated'>;
  /**
   * The node the problem is about when the finding points elsewhere (a container that inherits a
   * pod-level value points at the container, but the problem is the pod's value); what
   * `coveredBy` compares. Defaults to `range`.
   */
  about?: Range;
  /**
   * A fact that, when a text analysed in the same run states it (see `Analyzer.facts`), makes
   * this finding moot: e.g. a pod whose ServiceAccount, defined in another file, turns the token off.
   */
  waivedBy?: string;
  /** Facts that, when the texts of the run state every one of them, make this finding moot (a default-deny policy for each direction). */
  waivedByAll?: readonly string[];
  /** A fact some text of the run must state for this finding to stand (workloads in a namespace). */
  requires?: string;
  /** Reported once per run under this key: the first text of the run that reports it keeps it. */
  once?: string;
  /**
   * Stands only where the run's facts say so, and reads them to say why: called when the run is
   * settled with every fact of the run (which text stated it included), it returns the finding's
   * message (and related information) or undefined to drop it. For facts matched by pattern (an
   * image against the signature policies of the run), which `requires` cannot name.
   */
  settle?: (facts: RunFacts) => { message: string; l10n?: Text; related?: RelatedInfo[] } | undefined;
}

/** What a run's settlement shows a finding's `settle`: the facts of every text of the run. */
export interface RunFacts {
  has(fact: string): boolean;
  /** The facts that start with `prefix`, each with the source (a path) of the text that stated it, when the caller named it. */
  withPrefix(prefix: string): ReadonlyArray<{ fact: string; source?: string }>;
}

export type Reporter = (report: Report) => void;

/** Builds a range from 0-based line/character pairs. */
export function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}
