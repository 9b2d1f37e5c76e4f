import { describe, expect, it } from 'vitest';
import { engineNote, npmNodeVersion } from './engine-note.js';

describe('engineNote', () => {
  it.each([
    ['npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', true],
    ['npm/10.9.2 node/v22.12.0 linux x64 workspaces/false', true],
    ['npm/10.9.2 node/v22.13.0 linux x64 workspaces/false', false],
    ['npm/11.6.0 node/v24.21.0 darwin arm64 workspaces/false', false],
    ['yarn/1.22.0', false],
    [undefined, false],
  ])('%s → note: %s', (agent, expected) => {
    const note = engineNote(agent, '24.21.0');
    expect(note !== undefined).toBe(expected);
    if (note)
      expect(note).toMatch(
        /EBADENGINE warnings above are expected: npm runs on your Node 2\d\.\d+\.\d+, .*Node 24\.21\.0/,
      );
  });

  it('reads the version npm reports', () => {
    expect(npmNodeVersion('npm/11.19.1 node/v20.20.2 linux x64')).toEqual([20, 20, 2]);
  });
});
