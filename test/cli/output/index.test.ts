import { createOutput, outputNames } from '../../../src/cli/output/index.js';
import { buffer } from './sample.js';

describe('output formats', () => {
  it('are text, json, junit and sarif', () => {
    expect(outputNames).toEqual(['text', 'json', 'junit', 'sarif']);
  });

  it('rejects an unknown name with the list of names', () => {
    expect(() => createOutput('yaml', buffer())).toThrow('unknown output format "yaml": use one of text, json, junit, sarif');
  });
});

describe('output format names', () => {
  it('are only the formats, never names inherited from Object', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => createOutput(name, buffer())).toThrow(`unknown output format "${name}"`);
    }
  });
});
