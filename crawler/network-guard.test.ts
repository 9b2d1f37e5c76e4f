import { describe, expect, it } from 'vitest';
import { assertPublicHost, isPrivateAddress } from './network-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true], // cloud metadata
    ['100.100.100.200', true], // Alibaba metadata (CGNAT range)
    ['0.0.0.0', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['fd00:ec2::254', true], // AWS metadata over IPv6
    ['fe80::1', true],
    ['93.184.216.34', false],
    ['2606:2800:220:1:248:1893:25c8:1946', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('assertPublicHost', () => {
  it.each([
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://2130706433/', // 127.0.0.1 in decimal
    'http://0x7f.1/',
    'http://localhost:8080/',
    'http://app.localhost/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
  ])('refuses %s', (url) => {
    expect(() => assertPublicHost(new URL(url))).toThrow(/Refusing to fetch/);
  });

  it('lets public addresses and exempted test addresses through', () => {
    expect(() => assertPublicHost(new URL('http://93.184.216.34/'))).not.toThrow();
    expect(() => assertPublicHost(new URL('http://127.0.0.1/'), new Set(['127.0.0.1']))).not.toThrow();
  });
});
