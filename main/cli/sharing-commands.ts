import type { SharedCollectionView, SharingControl, SharingStatus } from '../../contract/sharing.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { UsageError } from './parse-args.js';

type Handler = (sharing: SharingControl, request: CommandRequest, output: CommandOutput) => Promise<number>;

export const SHARING_COMMANDS: Record<string, Handler> = {
  person: async (sharing, request, output) => {
    const [action] = request.positionals;
    if (action !== undefined && action !== 'show') throw new UsageError(`person: unknown action "${action}" (person [show] [--json])`);
    const status = sharing.status();
    if (request.options.json === true) {
      output.stdout(`${JSON.stringify({ person: status.person, people: status.people })}\n`);
      return 0;
    }
    const lines = [`You: ${status.person.id}  ${status.person.fingerprint}`];
    for (const person of status.people) lines.push(`${person.id}  ${person.fingerprint}  devices: ${person.devices.join(', ')}`);
    output.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
  share: async (sharing, request, output) => {
    const [first, person] = request.positionals;
    const json = request.options.json === true;
    if (person === undefined) {
      if (first !== 'list') throw new UsageError('share COLLECTION PERSON --role viewer|editor|owner, or share list');
      const status = sharing.status();
      output.stdout(json ? `${JSON.stringify({ collections: status.collections, rejectedChanges: status.rejectedChanges, lastRejectedAt: status.lastRejectedAt })}\n` : formatShares(status));
      return 0;
    }
    const role = request.options.role;
    if (typeof role !== 'string') throw new UsageError('share COLLECTION PERSON needs --role viewer|editor|owner');
    const view = await sharing.share(first!, person, role);
    output.stdout(json ? `${JSON.stringify({ shared: view })}\n` : `"${view.name}" is shared: ${describeMembers(view)}\n`);
    return 0;
  },
  unshare: async (sharing, request, output) => {
    const [collection, person] = request.positionals;
    const view = await sharing.unshare(collection!, person!);
    output.stdout(
      request.options.json === true
        ? `${JSON.stringify({ unshared: view })}\n`
        : `Revoked. Their devices get nothing new of "${view.name}" and their changes to it are rejected; what they already have stays on their devices.\n`,
    );
    return 0;
  },
  shared: async (sharing, request, output) => {
    const [first, collection, clip] = request.positionals;
    const json = request.options.json === true;
    if (first === 'edit') {
      if (!collection || !clip) throw new UsageError('shared edit COLLECTION CLIP [--title T] [--notes N]');
      const title = request.options.title;
      const notes = request.options.notes;
      if (typeof title !== 'string' && typeof notes !== 'string') throw new UsageError('shared edit: give --title or --notes');
      const edited = await sharing.editSharedClip(collection, clip, { ...(typeof title === 'string' && { title }), ...(typeof notes === 'string' && { notes }) });
      output.stdout(json ? `${JSON.stringify({ clip: edited })}\n` : `Edited ${edited.id}.\n`);
      return 0;
    }
    if (collection !== undefined) throw new UsageError('shared [COLLECTION] [--json] or shared edit COLLECTION CLIP');
    if (first === undefined) {
      const collections = sharing.status().collections;
      output.stdout(json ? `${JSON.stringify({ collections })}\n` : formatShares(sharing.status()));
      return 0;
    }
    const { collection: view, clips } = sharing.sharedClips(first);
    if (json) output.stdout(`${JSON.stringify({ collection: view, clips })}\n`);
    else output.stdout(`${clips.map((item) => `${item.id}  ${item.kind.padEnd(5)}  ${item.title}`).join('\n')}${clips.length > 0 ? '\n' : ''}`);
    return 0;
  },
};

function describeMembers(view: SharedCollectionView): string {
  return view.members.map((member) => `${member.name} (${member.personId.slice(0, 15)}…) ${member.role}`).join(', ');
}

function formatShares(status: SharingStatus): string {
  const lines = status.collections.map((view) => `${view.name || view.id}  [${view.id}]  you: ${view.role ?? 'waiting for its access list'}, ${view.clips} clips\n    ${describeMembers(view)}`);
  if (lines.length === 0) lines.push('Nothing is shared.');
  if (status.rejectedChanges > 0) lines.push(`${status.rejectedChanges} changes from other devices were rejected (their author's role did not allow them); see clipshot audit --kind change-rejected`);
  return `${lines.join('\n')}\n`;
}
