import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from './daemon-process.js';

/**
 * A program run on a real terminal: a tmux session on a tmux server of its own (its own socket
 * name, so other tmux users are untouched), typed into with `send-keys` and read from the pane.
 */
export class TmuxTerminal {
  readonly #server = `tsvirt-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  /** Runs `command` (a shell line) on an 80x24 terminal; the pane stays after it ends, with `EXIT=CODE` last. */
  constructor(command: string) {
    this.#tmux('new-session', '-d', '-x', '80', '-y', '24', `${command}; echo EXIT=$?; sleep 600`);
  }

  #tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.#server, ...args], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`);
    return r.stdout;
  }

  /** Keys as tmux names them (`C-]`), or literal text with `literal`. */
  send(keys: string, literal = false): void {
    this.#tmux('send-keys', ...(literal ? ['-l'] : []), keys);
  }

  /** The pane's text, trailing blank lines dropped. */
  screen(): string {
    return this.#tmux('capture-pane', '-p').replace(/\n+$/, '\n');
  }

  /** Waits until the pane shows `text`. */
  async until(text: string, ms = 60_000): Promise<string> {
    await waitFor(() => this.screen().includes(text), ms, `${JSON.stringify(text)} on the terminal`);
    return this.screen();
  }

  /** Kills the program with SIGKILL (the pane's shell then prints `EXIT=137`). */
  kill(): void {
    const shell = this.#tmux('list-panes', '-F', '#{pane_pid}').trim();
    const child = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(' ')[0];
    if (child) process.kill(Number(child), 'SIGKILL');
  }

  /** Ends the tmux server and everything running in it. */
  close(): void {
    spawnSync('tmux', ['-L', this.#server, 'kill-server'], { timeout: 30_000 });
  }
}
