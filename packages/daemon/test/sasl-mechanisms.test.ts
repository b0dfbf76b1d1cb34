import { describe, expect, it } from 'vitest';
import { SERVER_MECHANISMS, SaslRefused } from '../src/auth/sasl-mechanisms.js';

const users = new Map([['alice', 'secret']]);
const session = (mech: string) => SERVER_MECHANISMS.get(mech)!(users);
const refused = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof SaslRefused) return e.message;
    throw e;
  }
  return 'accepted';
};

describe('the server mechanisms refuse what they must, before anyone is authenticated', () => {
  it('PLAIN: a wrong password, an unknown user, acting as someone else', () => {
    expect(session('PLAIN').step(Buffer.from('\0alice\0secret'))).toEqual({ out: null, user: 'alice' });
    expect(session('PLAIN').step(Buffer.from('alice\0alice\0secret')).user).toBe('alice');
    expect(refused(() => session('PLAIN').step(Buffer.from('\0alice\0wrong')))).toBe("bad password for 'alice'");
    expect(refused(() => session('PLAIN').step(Buffer.from('\0mallory\0secret')))).toBe("bad password for 'mallory'");
    expect(refused(() => session('PLAIN').step(Buffer.from('root\0alice\0secret')))).toBe("'alice' may not act as 'root'");
    expect(refused(() => session('PLAIN').step(null))).toBe("bad password for ''");
  });
  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-1'])('%s: malformed messages, channel binding, another identity, a forged proof', (mech) => {
    expect(refused(() => session(mech).step(Buffer.from('garbage')))).toBe('malformed client-first-message');
    expect(refused(() => session(mech).step(Buffer.from('p=tls-unique,,n=alice,r=abc')))).toBe('malformed client-first-message');
    expect(refused(() => session(mech).step(Buffer.from('n,a=root,n=alice,r=abc')))).toBe("'alice' may not act as 'root'");
    const s = session(mech);
    const first = s.step(Buffer.from('n,,n=alice,r=abc')).out!.toString();
    expect(first).toMatch(/^r=abc[A-Za-z0-9+/=]+,s=[A-Za-z0-9+/=]+,i=4096$/);
    const nonce = /r=([^,]+)/.exec(first)![1]!;
    expect(refused(() => s.step(Buffer.from(`c=biws,r=${nonce}x,p=AAAA`)))).toBe('malformed client-final-message');
    expect(refused(() => session(mech).step(null))).toBe('malformed client-first-message');
    const t = session(mech);
    const n2 = /r=([^,]+)/.exec(t.step(Buffer.from('n,,n=alice,r=abc')).out!.toString())![1]!;
    expect(refused(() => t.step(Buffer.from(`c=biws,r=${n2},p=${Buffer.alloc(mech.endsWith('256') ? 32 : 20).toString('base64')}`)))).toBe("bad proof for 'alice'");
  });
});
