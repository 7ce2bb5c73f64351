import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { collectPids, DEFAULT_LISTEN, parseCgroupPath, parseListen, parseRegex } from '../../src/cli/serve-options.js';

describe('serve and watch --listen arguments', () => {
  it.each([
    ['127.0.0.1:9808', { host: '127.0.0.1', port: 9808 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    [':9808', { host: null, port: 9808 }],
    ['[::1]:9808', { host: '::1', port: 9808 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
  ])('--listen %s', (text, want) => expect(parseListen(text)).toEqual(want));

  it.each(['9808', '127.0.0.1', '127.0.0.1:65536', 'host:port', '::1:9808', '[::1]', 'a b:1', ''])('--listen %j is refused in one line', (text) => {
    expect(() => parseListen(text)).toThrow(/^--listen must be HOST:PORT, \[IPv6\]:PORT or :PORT \(every interface\), got /);
  });

  it('binds this host only by default', () => {
    expect(DEFAULT_LISTEN).toBe('127.0.0.1:9808');
    const serve = buildProgram(() => {}).commands.find((c) => c.name() === 'serve')!;
    expect(serve.getOptionValue('listen')).toEqual({ host: '127.0.0.1', port: 9808 });
  });

  it('--comm is a regular expression, --cgroup an absolute cgroup path, --pid repeatable lists', () => {
    expect(parseRegex('^(nginx|php-fpm)$').test('nginx')).toBe(true);
    expect(() => parseRegex('(')).toThrow(/^--comm must be a regular expression \(/);
    expect(parseCgroupPath('/system.slice/nginx.service')).toBe('/system.slice/nginx.service');
    for (const bad of ['system.slice', '/a/../b', '/a/./b', '']) expect(() => parseCgroupPath(bad)).toThrow(/^--cgroup must be a cgroup path/);
    expect(collectPids('3,4', collectPids('1'))).toEqual([1, 3, 4]);
    expect(() => collectPids('x')).toThrow(/is not a process id/);
  });
});
