import { onScopeDispose } from 'vue';
import { activatesFocusedControl, isMacPlatform, isTypingTarget, matchesShortcut, parseShortcut } from '../lib/shortcuts.js';
import { useCommandStore, type Command } from '../stores/commands.js';
import { useUiStore } from '../stores/ui.js';

/** Runs a command; a failure reaches the person as a toast saying what failed. */
export function runCommand(command: Command, ui: ReturnType<typeof useUiStore>): void {
  const fail = (error: unknown) => ui.showError(error, command.title.toLowerCase());
  try {
    const result = command.run();
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}

/** Registers commands for as long as the calling component (or scope) lives. */
export function useCommands(commands: Command[]): void {
  const registry = useCommandStore();
  const removers = commands.map((command) => registry.register(command));
  onScopeDispose(() => {
    for (const remove of removers) remove();
  });
}

/**
 * The one keydown listener: finds the command whose shortcut was pressed (its effective keys: the
 * person's own, else its defaults) and runs it. Keys typed into a field stay text (unless the
 * command says otherwise), Enter and Space press the focused button or link, a key some element
 * already handled (preventDefault) is left alone, and while a dialog is open only General
 * commands answer (the view behind it does not move).
 */
export function useShortcutListener(target: Window = window): void {
  const handleShortcut = useShortcutHandler(() => true);
  // A part of the page that gives Enter a meaning of its own handles it before it gets here.
  const handle = (event: KeyboardEvent): void => {
    if (!activatesFocusedControl(event)) handleShortcut(event);
  };
  target.addEventListener('keydown', handle);
  onScopeDispose(() => target.removeEventListener('keydown', handle));
}

/**
 * A keydown handler for one part of the page that runs only the commands `owns` picks, before the
 * key bubbles on (the image editor's Esc, arrows and Delete act on its selection, not the clip
 * view). A key none of them takes bubbles on untouched.
 */
export function useShortcutHandler(owns: (command: Command) => boolean): (event: KeyboardEvent) => void {
  const registry = useCommandStore();
  const ui = useUiStore();
  const isMac = isMacPlatform();
  const parsed = new Map<string, ReturnType<typeof parseShortcut>>();
  const shortcutOf = (spec: string) => {
    let shortcut = parsed.get(spec);
    if (!shortcut) parsed.set(spec, (shortcut = parseShortcut(spec)));
    return shortcut;
  };

  return (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.isComposing) return;
    const typing = isTypingTarget(event.target);
    const command = registry.commands.find(
      (candidate) =>
        owns(candidate) &&
        (!typing || candidate.whileTyping === true) &&
        (!ui.modalOpen || candidate.group === 'General') &&
        registry.keysOf(candidate).some((spec) => matchesShortcut(event, shortcutOf(spec), isMac)) &&
        (candidate.when?.() ?? true),
    );
    if (!command) return;
    event.preventDefault();
    runCommand(command, ui);
  };
}
