import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDriverSuite } from '@tsvirt/api/testing';
import { SLEEPER, TestRoot, containerXML, whyNoContainers } from './helpers.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc shared driver suite skipped: ${skip}`);

const root = new TestRoot();
afterAll(() => root.cleanup());

// The shared suite every hypervisor driver passes, on an embed root of its own with real containers.
if (!skip) {
  const rootfs = root.rootfs();
  defineDriverSuite({
    name: 'lxc', uri: root.uri, describe, it, expect, beforeAll, afterAll,
    makeDomainXML: (name) => containerXML(name, rootfs, SLEEPER), timeoutMs: 60_000,
  });
} else {
  describe.skip('shared driver suite (lxc)', () => it('runs', () => undefined));
}
