// The guest agent client against Debian's qemu-ga on the host (test/host-agent.ts): sync, replies,
// the agent's errors, every timeout value, stale replies, one command at a time, a vanished agent.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@tsvirt/util';
import { AgentClient, commandText, compactJson } from '../src/agent/agent-client.js';
import { HostAgent, qemuGaMissing } from './host-agent.js';

const missing = qemuGaMissing();
if (missing && process.env['CI'] !== 'true') console.log(`agent-client: skipped, ${missing}`);

/** The error a promise fails with, as code and message. */
async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const v = e as { code: number; message: string };
    return { code: v.code, message: v.message };
  }
  throw new Error('expected a failure');
}

describe('the JSON the client writes', () => {
  it('sends bigint arguments as exact integers and writes replies back compactly, numbers and strings as sent', () => {
    expect(commandText({ execute: 'guest-set-time', arguments: { time: 1796606528584215001n } })).toBe('{"execute":"guest-set-time","arguments":{"time":1796606528584215001}}');
    expect(compactJson('{"return": {"a b": 1796606528584215001, "s": "x \\" y", "l": [1, 2]}}')).toBe('{"return":{"a b":1796606528584215001,"s":"x \\" y","l":[1,2]}}');
  });
});

describe.skipIf(missing !== undefined && process.env['CI'] !== 'true')('AgentClient with a real qemu-ga', () => {
  let agent: HostAgent;
  beforeAll(async () => {
    agent = await new HostAgent().start();
  });
  afterAll(() => agent.stop());

  const open = (): Promise<AgentClient> => AgentClient.open(agent.socket);

  it('syncs and runs commands, returning the reply and its value', async () => {
    const c = await open();
    try {
      expect(await c.execute({ execute: 'guest-ping' }, -1)).toEqual({});
      const info = await c.execute<{ version: string; supported_commands: Array<{ name: string; enabled: boolean }> }>({ execute: 'guest-info' }, -1);
      expect(info.version).toMatch(/^\d+\.\d+/);
      expect(info.supported_commands.find((x) => x.name === 'guest-fsfreeze-freeze')?.enabled).toBe(false);
      const reply = await c.send({ execute: 'guest-get-host-name' }, 5);
      expect(reply).toEqual({ return: { 'host-name': expect.any(String) }, text: expect.stringMatching(/^\{"return": \{"host-name": ".*"\}\}$/) });
    } finally {
      c.close();
    }
  });

  it("passes the agent's errors on in libvirt's words, naming the command", async () => {
    const c = await open();
    try {
      expect(await failure(c.execute({ execute: 'guest-nope' }, -1))).toEqual({
        code: ErrorCode.INTERNAL_ERROR, message: "internal error: unable to execute QEMU agent command 'guest-nope': The command guest-nope has not been found",
      });
      expect(await failure(c.execute({ execute: 'guest-fstrim' }, -1))).toEqual({
        code: ErrorCode.INTERNAL_ERROR, message: "internal error: unable to execute QEMU agent command 'guest-fstrim': Command guest-fstrim has been disabled",
      });
      const bad = await failure(c.execute({ execute: 'guest-get-time', arguments: { x: 1 } }, -1));
      expect(bad.message).toMatch(/^internal error: unable to execute QEMU agent command 'guest-get-time': .*'x'/);
      // The connection stays usable after errors.
      expect(await c.execute({ execute: 'guest-ping' }, -1)).toEqual({});
    } finally {
      c.close();
    }
  });

  it('refuses a socket nobody listens on as an agent that is not connected', async () => {
    expect(await failure(AgentClient.open(join(agent.dir, 'nobody.sock')))).toEqual({
      code: ErrorCode.AGENT_UNRESPONSIVE, message: 'Guest agent is not responding: QEMU guest agent is not connected',
    });
  });

  it('times out as asked: NOWAIT at once, N seconds, DEFAULT five seconds, BLOCK never', async () => {
    const c = await open();
    const notAvailable = { code: ErrorCode.AGENT_UNRESPONSIVE, message: 'Guest agent is not responding: Guest agent not available for now' };
    try {
      // NOWAIT: the command is sent, the call does not wait for it.
      expect(await failure(c.execute({ execute: 'guest-ping' }, 0))).toEqual(notAvailable);
      agent.pause(true);
      let t = Date.now();
      expect(await failure(c.execute({ execute: 'guest-ping' }, 1, 1))).toEqual(notAvailable);
      expect(Date.now() - t).toBeGreaterThanOrEqual(900);
      expect(Date.now() - t).toBeLessThan(3000);
      t = Date.now();
      expect(await failure(c.execute({ execute: 'guest-ping' }, -1))).toEqual(notAvailable);
      expect(Date.now() - t).toBeGreaterThanOrEqual(4900);
      // BLOCK: waits past the default for an agent that answers late; the sync itself waits at most five seconds, so the agent resumes before that.
      t = Date.now();
      const blocked = c.send({ execute: 'guest-get-host-name' }, -2, { syncSeconds: -2 });
      setTimeout(() => agent.pause(false), 2000);
      expect((await blocked).return).toEqual({ 'host-name': expect.any(String) });
      expect(Date.now() - t).toBeGreaterThanOrEqual(1900);
    } finally {
      agent.pause(false);
      c.close();
    }
  }, 30_000);

  it('drops replies that come after their command gave up: the next command gets its own', async () => {
    const c = await open();
    try {
      agent.pause(true);
      expect((await failure(c.execute({ execute: 'guest-get-timezone' }, 1, 1))).code).toBe(ErrorCode.AGENT_UNRESPONSIVE);
      agent.pause(false);
      await sleep(200);
      // The agent now answers the stale sync and command; the next sync reads past both.
      expect(await c.execute({ execute: 'guest-get-host-name' }, -1)).toEqual({ 'host-name': expect.any(String) });
      expect(await c.execute({ execute: 'guest-ping' }, -1)).toEqual({});
    } finally {
      agent.pause(false);
      c.close();
    }
  });

  it('runs concurrent commands one at a time, each with its own reply', async () => {
    const c = await open();
    try {
      const [a, b, z] = await Promise.all([
        c.execute({ execute: 'guest-get-host-name' }, -1), c.execute({ execute: 'guest-ping' }, -1), c.execute({ execute: 'guest-get-timezone' }, -1),
      ]);
      expect(a).toEqual({ 'host-name': expect.any(String) });
      expect(b).toEqual({});
      expect(z).toHaveProperty('offset');
    } finally {
      c.close();
    }
  });

  it('fails a waiting command when the agent goes away', async () => {
    const gone = await new HostAgent().start();
    const c = await AgentClient.open(gone.socket);
    try {
      gone.pause(true);
      const waiting = c.execute({ execute: 'guest-ping' }, -2, -2);
      setTimeout(() => void gone.stop(), 300);
      expect(await failure(waiting)).toEqual({
        code: ErrorCode.AGENT_UNRESPONSIVE, message: 'Guest agent is not responding: Guest agent disappeared while executing command',
      });
      expect((await failure(c.execute({ execute: 'guest-ping' }, -1))).message).toBe('Guest agent is not responding: Guest agent disappeared while executing command');
    } finally {
      c.close();
      await gone.stop();
    }
  });
});
