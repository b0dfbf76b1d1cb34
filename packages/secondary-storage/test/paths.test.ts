import { describe, expect, it } from 'vitest';
import { ErrorCode, parseURI } from '@tsvirt/util';
import { storagePathsForURI } from '../src/index.js';

const paths = (uri: string, env: NodeJS.ProcessEnv = {}) => storagePathsForURI(parseURI(uri), env);

describe('where each local URI keeps its pools', () => {
  it('system and lxc:/// (as root) under /etc/tsvirt and /run/tsvirt, session under XDG, embed under its root', () => {
    const system = { configDir: '/etc/tsvirt/storage', autostartDir: '/etc/tsvirt/storage/autostart', stateDir: '/run/tsvirt/storage' };
    const root = process.getuid?.() === 0;
    expect(paths('qemu:///system')).toEqual(root ? system : 'declined');
    expect(paths('lxc:///')).toEqual(root ? system : 'declined');
    expect(paths('qemu:///session', { XDG_CONFIG_HOME: '/h/.config', XDG_RUNTIME_DIR: '/run/user/7' })).toEqual({
      configDir: '/h/.config/tsvirt/storage', autostartDir: '/h/.config/tsvirt/storage/autostart', stateDir: '/run/user/7/tsvirt/storage/run',
    });
    expect(paths('qemu:///embed?root=/r/x/')).toEqual({ configDir: '/r/x/etc/storage', autostartDir: '/r/x/etc/storage/autostart', stateDir: '/r/x/run/storage' });
  });

  it('declines other URIs; an embed URI without an absolute root is an error', () => {
    for (const uri of ['test:///default', 'qemu:///other', 'lxc:///x']) expect(paths(uri)).toBe('declined');
    expect(() => paths('qemu:///embed')).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARG, message: "invalid argument: Missing 'root' URI parameter" }));
    expect(() => paths('qemu:///embed?root=rel')).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARG }));
  });
});
