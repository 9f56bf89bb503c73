/**
 * Which stages ship their layers: the rules about image hygiene (package caches, recommended
 * packages) only matter for what ends up in an image someone runs.
 */
import { Flag } from 'dockerfile-ast';
import { DockerfileModel, Stage } from './model';

declare module './model' {
  interface ModelMemo {
    /** See `shippingStages`. */
    shippingStages?: ReadonlySet<Stage>;
  }
}

/**
 * The stages whose layers reach an image: the final stage, every stage nothing else refers to
 * (a `--target` of its own, such as `dev` or `test`), and the stages they are built FROM. A
 * stage that is only a source of `COPY --from` or `RUN --mount=…,from=` does not ship its
 * layers, nor does the base of such a stage. Computed once per model.
 */
export function shippingStages(model: DockerfileModel): ReadonlySet<Stage> {
  let out = model.memo.shippingStages;
  if (out) return out;
  const stages = model.stages;
  const set = new Set<Stage>();
  if (stages.length <= 1) {
    for (const s of stages) set.add(s);
  } else {
    const referenced = new Set<Stage>();
    for (const s of stages) {
      if (s.parent) referenced.add(s.parent);
      for (let k = 0; k < s.keywords.length; k++) {
        const keyword = s.keywords[k];
        if (keyword !== 'COPY' && keyword !== 'RUN') continue;
        for (const f of flagsOf(s.instructions[k] as unknown as { getFlags?(): Flag[] })) {
          const source = flagSource(f);
          const named = source !== undefined ? stageNamed(model, source) : undefined;
          if (named) referenced.add(named);
        }
      }
    }
    const roots = stages.filter((s, i) => i === stages.length - 1 || !referenced.has(s));
    for (const root of roots) for (let s: Stage | undefined = root; s && !set.has(s); s = s.parent) set.add(s);
  }
  model.memo.shippingStages = out = set;
  return out;
}

/** Whether a stage's layers reach an image (see `shippingStages`). */
export function stageShips(model: DockerfileModel, stage: Stage): boolean {
  return shippingStages(model).has(stage);
}

function flagsOf(ins: { getFlags?(): Flag[] }): Flag[] {
  return typeof ins.getFlags === 'function' ? ins.getFlags() : [];
}

/** The stage or image a `--from=` or a `--mount=…,from=` names. */
function flagSource(f: Flag): string | undefined {
  const name = f.getName().toLowerCase();
  const value = f.getValue() ?? '';
  if (name === 'from') return value;
  if (name !== 'mount') return undefined;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === 'from') return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A stage by alias (case-insensitive) or by index (`--from=0`). */
function stageNamed(model: DockerfileModel, name: string): Stage | undefined {
  if (/^\d+$/.test(name)) return model.stages[Number(name)];
  return model.memo.aliases.get(name.toLowerCase());
}
