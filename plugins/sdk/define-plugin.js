// definePlugin: checks the shape of a plugin's entry module when it loads, so that a mistake is
// reported in words by the plugin's own process rather than as "x is not a function" at the first
// use. No dependencies and no imports: plugins copy this one file (a plugin process can read only
// its own folder, and installing a plugin never installs its dependencies).

const HOOKS = ['activate', 'deactivate'];
const HANDLER_GROUPS = ['commands', 'exporters', 'importers', 'analyzers'];
const MEMBERS = [...HOOKS, ...HANDLER_GROUPS];
const MAX_ID_CHARS = 200;

/** Thrown by definePlugin; `problems` has one sentence per mistake. */
export class PluginDefinitionError extends TypeError {
  constructor(problems) {
    super(problems.length === 1 ? `definePlugin: ${problems[0]}` : `definePlugin found ${problems.length} problems:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    this.name = 'PluginDefinitionError';
    this.problems = problems;
  }
}

/**
 * Returns `module` unchanged once its shape is right: optional `activate` and `deactivate`
 * functions, and `commands`, `exporters`, `importers`, `analyzers` as objects of contribution id
 * (as the manifest names it) → function. Throws a PluginDefinitionError naming every mistake.
 */
export function definePlugin(module) {
  if (!isPlainObject(module)) {
    throw new PluginDefinitionError([`give an object with ${list(MEMBERS)}; got ${describe(module)}`]);
  }
  const problems = [];
  for (const key of Object.keys(module)) {
    if (!MEMBERS.includes(key)) problems.push(`"${key}" is not part of a plugin module${suggestion(key)}; a module has ${list(MEMBERS)}`);
  }
  for (const hook of HOOKS) {
    if (module[hook] !== undefined && typeof module[hook] !== 'function') problems.push(`${hook} must be a function; it is ${describe(module[hook])}`);
  }
  let handlers = 0;
  for (const group of HANDLER_GROUPS) {
    const entries = module[group];
    if (entries === undefined) continue;
    if (!isPlainObject(entries)) {
      problems.push(`${group} must be an object of contribution id → function, like { "acme.tools.${group.slice(0, -1)}": (input, host) => … }; it is ${describe(entries)}`);
      continue;
    }
    for (const [id, handler] of Object.entries(entries)) {
      const where = `${group}[${JSON.stringify(id.slice(0, MAX_ID_CHARS))}]`;
      if (id.trim() === '' || id.length > MAX_ID_CHARS || /\s/.test(id)) problems.push(`${where}: a contribution id is the manifest's, "<plugin id>.<name>", without spaces`);
      if (typeof handler === 'function') handlers++;
      else problems.push(`${where} must be a function; it is ${describe(handler)}`);
    }
  }
  if (problems.length === 0 && handlers === 0 && typeof module.activate !== 'function') {
    problems.push('the module does nothing: give activate, or at least one command, exporter, importer or analyzer');
  }
  if (problems.length > 0) throw new PluginDefinitionError(problems);
  return module;
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : `an instance of ${value.constructor?.name ?? 'a class'} (give a plain object)`;
  if (typeof value === 'undefined') return 'undefined';
  return `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`;
}

function list(names) {
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** " (did you mean "commands"?)" for a name one or two typing mistakes away from a member. */
function suggestion(key) {
  const near = MEMBERS.find((member) => distance(key.toLowerCase(), member) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
