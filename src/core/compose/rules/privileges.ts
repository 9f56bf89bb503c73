/** Privilege rules: privileged, capabilities, no-new-privileges, seccomp and AppArmor turned off. */
import { isScalar } from 'yaml';
import { getPair, getSeq } from '../../kubernetes/model';
import { ComposeService, composeBool, serviceText, serviceMaps, serviceRange } from '../model';
import {
  CAP_DROP_ALL, capDropAllFix, hardenServiceFix, isNoNewPrivileges, noNewPrivilegesFix, removeItemsFix, removeServicePairFix,
} from '../fixes';
import { ComposeRule, findingRange, forEachService, nodeRange, stringItems } from './common';
import { Fix } from '../../model';
import { fixTitle, frag, msg } from '../../l10n/text';

function fixes(...list: Array<Fix | undefined>): Fix[] | undefined {
  const out = list.filter((f): f is Fix => f !== undefined);
  return out.length ? out : undefined;
}

export const privileged: ComposeRule = {
  id: 'compose-privileged',
  title: 'Service runs privileged',
  severity: 'critical',
  appliesTo: 'compose',
  references: ['CIS-5.5'],
  description: 'privileged: true gives the container every capability, every host device and no seccomp or AppArmor confinement: a process in it can take over the host.',
  remediation: 'Remove privileged: true and add only the capabilities (cap_add) or devices the service needs.',
  check(model, report) {
    forEachService(model, (s) => {
      const pair = getPair(s.node, 'privileged');
      if (!pair || composeBool(pair.value) !== true) return;
      report({
        range: findingRange(model, pair),
        fixes: fixes(removeServicePairFix(model, s, s.node, pair, fixTitle('compose.privileges.remove-privileged-true-may', 'Remove privileged: true (may break services that manage devices or the kernel)')), hardenServiceFix(model, s, 'privileged')),
        ...msg('compose.privileges.runs-privileged-it-can', '{^service} runs privileged: it can take over the host. Remove privileged: true and add only the capabilities it needs.', { service: serviceText(s) }),
      });
    });
  },
};

/** Docker's default capability set (moby `caps.DefaultCapabilities`). */
const DEFAULT_CAPS = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'NET_RAW', 'SETFCAP',
  'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** A capability name as Docker normalises it: upper case, without `CAP_`. */
export function capName(v: string): string {
  const u = v.trim().toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

export const capAdd: ComposeRule = {
  id: 'compose-cap-add',
  title: 'Service adds capabilities beyond Docker\'s default set',
  severity: 'high',
  appliesTo: 'compose',
  references: ['CIS-5.4'],
  description: 'cap_add grants kernel privileges Docker withholds by default. SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE and ALL in particular let a process escape or reconfigure the host.',
  remediation: 'Remove the capabilities the service does not need; where one is needed, keep it alone next to cap_drop: [ALL].',
  check(model, report) {
    forEachService(model, (s) => {
      const pair = getPair(s.node, 'cap_add');
      const added: number[] = [];
      const names: string[] = [];
      for (const it of stringItems(pair?.value)) {
        const name = capName(it.value);
        if (DEFAULT_CAPS.has(name)) continue;
        added.push(it.index);
        names.push(name);
      }
      if (!pair || added.length === 0) return;
      const seq = getSeq(s.node, 'cap_add')!;
      const first = seq.items[added[0]] as { range?: [number, number, number] };
      const last = seq.items[added[added.length - 1]] as { range?: [number, number, number] };
      report({
        range: added.length === 1 ? nodeRange(model, first) : model.rangeOf(first.range?.[0] ?? 0, last.range?.[1] ?? 0),
        fixes: fixes(removeItemsFix(model, s, s.node, 'cap_add', added, fixTitle('compose.privileges.remove-from-cap-add', 'Remove {capabilities} from cap_add (may break the service)', { capabilities: names.join(', ') }))),
        ...msg('compose.privileges.adds-beyond-docker-s', '{^service} adds {capabilities}, beyond Docker\'s default capabilities: remove what it does not need.', { service: serviceText(s), capabilities: names.join(', ') }),
      });
    });
  },
};

/** Whether a service (or a service it extends) drops ALL capabilities. */
function dropsAll(s: ComposeService): boolean {
  return serviceMaps(s).some((m) => getSeq(m, 'cap_drop')?.items.some((it) => isScalar(it) && CAP_DROP_ALL.present(it.value)));
}

export const capDropAll: ComposeRule = {
  id: 'compose-cap-drop-all',
  title: 'Service does not drop all capabilities',
  severity: 'medium',
  appliesTo: 'compose',
  references: ['CIS-5.4'],
  description: 'Docker gives every container 14 capabilities (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW…) whether it needs them or not. Dropping all and adding back the few a service needs shrinks what an attacker in it can do.',
  remediation: 'Add cap_drop: [ALL], then cap_add only what the service needs (e.g. NET_BIND_SERVICE to listen on a port below 1024).',
  check(model, report) {
    forEachService(model, (s) => {
      if (s.partial || s.unresolvedBase || composeBool(getPair(s.node, 'privileged')?.value) === true || dropsAll(s)) return;
      report({
        range: serviceRange(model, s),
        fixes: fixes(capDropAllFix(model, s), hardenServiceFix(model, s, 'cap_drop')),
        ...msg('compose.privileges.keeps-docker-s-default', '{^service} keeps Docker\'s default capabilities: add cap_drop: [ALL] and add back only what it needs.', { service: serviceText(s) }),
      });
    });
  },
};

export const noNewPrivileges: ComposeRule = {
  id: 'compose-no-new-privileges',
  title: 'Service can gain privileges (no no-new-privileges)',
  severity: 'medium',
  appliesTo: 'compose',
  references: ['CIS-5.26'],
  description: 'Without security_opt no-new-privileges:true, a process in the container can gain privileges through setuid or setgid programs and file capabilities.',
  remediation: 'Add security_opt: [no-new-privileges:true].',
  check(model, report) {
    forEachService(model, (s) => {
      if (s.partial || s.unresolvedBase || composeBool(getPair(s.node, 'privileged')?.value) === true) return;
      let explicitFalse: { range?: [number, number, number] | null } | undefined;
      for (const m of serviceMaps(s)) {
        for (const it of stringItems(getPair(m, 'security_opt')?.value)) {
          if (isNoNewPrivileges(it.value)) return;
          if (m === s.node && /^no-new-privileges[:=]false$/i.test(it.value.trim())) explicitFalse = it.node;
        }
      }
      report({
        range: explicitFalse ? nodeRange(model, explicitFalse) : serviceRange(model, s),
        fixes: fixes(noNewPrivilegesFix(model, s), hardenServiceFix(model, s, 'security_opt')),
        ...(explicitFalse ? msg('compose.privileges.turns-no-new-privileges', '{^service} turns no-new-privileges off: setuid programs in it can gain privileges.', { service: serviceText(s) }) : msg('compose.privileges.does-not-set-security', '{^service} does not set security_opt no-new-privileges:true: setuid programs in it can gain privileges.', { service: serviceText(s) })),
      });
    });
  },
};

/** A `security_opt` rule about a confinement turned off: `seccomp:unconfined`, `apparmor=unconfined`. */
function unconfinedRule(id: string, what: 'seccomp' | 'apparmor', title: string, ref: string, description: string): ComposeRule {
  const pattern = new RegExp(`^${what}[:=]unconfined$`, 'i');
  return {
    id,
    title,
    severity: 'high',
    appliesTo: 'compose',
    references: [ref],
    description,
    remediation: `Remove ${what}:unconfined from security_opt (the default profile applies), or name a profile that allows just what the service needs.`,
    check(model, report) {
      forEachService(model, (s) => {
        for (const it of stringItems(getPair(s.node, 'security_opt')?.value)) {
          if (!pattern.test(it.value.trim())) continue;
          report({
            range: nodeRange(model, it.node),
            fixes: fixes(removeItemsFix(model, s, s.node, 'security_opt', [it.index], fixTitle('compose.privileges.remove-may-break-the', 'Remove {option} (may break the service)', { option: it.value.trim() }))),
            ...msg('compose.privileges.runs-without-remove-it', '{^service} runs without {what} ({option}): remove it so Docker\'s default profile applies.', { service: serviceText(s), what: what === 'seccomp' ? frag('compose.privileges.seccomp-profile', 'a seccomp profile') : frag('compose.privileges.apparmor', 'AppArmor confinement'), option: it.value.trim() }),
          });
        }
      });
    },
  };
}

export const seccompUnconfined = unconfinedRule('compose-seccomp-unconfined', 'seccomp', 'Service runs without seccomp (seccomp:unconfined)', 'CIS-5.22',
  'Docker\'s default seccomp profile blocks about 44 system calls that containers rarely need and that kernel exploits often use; seccomp:unconfined turns it off.');

export const apparmorUnconfined = unconfinedRule('compose-apparmor-unconfined', 'apparmor', 'Service runs without AppArmor (apparmor:unconfined)', 'CIS-5.2',
  'Docker confines containers with its docker-default AppArmor profile on hosts that have AppArmor; apparmor:unconfined turns it off.');
