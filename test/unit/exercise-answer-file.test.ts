import { describe, expect, it } from 'vitest';
import { AnswerFileError, closest, parseChoice, parseNumberList, parseRpcList, parseWordList } from '../../src/exercises/answer-file.js';
import { firstDifference, sameSet } from '../../src/exercises/compare.js';

describe('answer files', () => {
  it('reads a word list one per line, as YAML, or on one line, without comments', () => {
    expect(parseWordList('# my guess\nRunPodSandbox\n\nPodSandboxStatus  # the IP\n')).toEqual(['RunPodSandbox', 'PodSandboxStatus']);
    expect(parseWordList('- a\n- b\n')).toEqual(['a', 'b']);
    expect(parseWordList('[a, b, c]')).toEqual(['a', 'b', 'c']);
    expect(parseWordList('a, b c')).toEqual(['a', 'b', 'c']);
  });

  it('normalises CRI method names and refuses unknown ones with a suggestion', () => {
    expect(parseRpcList('f', 'runpodsandbox\nruntime.v1.ImageService/PullImage\nStartContainer()')).toEqual(['RunPodSandbox', 'PullImage', 'StartContainer']);
    expect(() => parseRpcList('f', 'RunPodSandbox\nPullImgae')).toThrow(/item 2 "PullImgae" is not a CRI method \(did you mean "PullImage"\?\)/);
    expect(() => parseRpcList('f', '# nothing\n')).toThrow(AnswerFileError);
  });

  it('reads a choice and refuses one that is not offered', () => {
    expect(parseChoice('f', '(B)\n', ['a', 'b'])).toBe('b');
    expect(parseChoice('f', 'answer: a', ['a', 'b'])).toBe('a');
    expect(() => parseChoice('f', 'e', ['a', 'b'])).toThrow(/not one of the choices a, b/);
    expect(() => parseChoice('f', '', ['a'])).toThrow(/empty/);
  });

  it('reads seconds, with or without a unit', () => {
    expect(parseNumberList('f', '0 10s\n1m')).toEqual([0, 10, 60]);
    expect(() => parseNumberList('f', '10 ten')).toThrow(/item 2 "ten"/);
  });

  it('suggests only near words', () => {
    expect(closest('ListContainer', ['ListContainers', 'RunPodSandbox'])).toBe('ListContainers');
    expect(closest('banana', ['ListContainers'])).toBeUndefined();
  });
});

describe('comparing lists', () => {
  it('names the first difference without giving the answer', () => {
    expect(firstDifference(['a', 'x'], ['a', 'b'])).toBe('call 2: you wrote x, but that is not what happened there');
    expect(firstDifference(['a'], ['a', 'b'])).toMatch(/stops after 1 call/);
    expect(firstDifference(['a', 'b', 'c'], ['a', 'b'])).toMatch(/only 2 happened/);
    expect(firstDifference(['a', 'b'], ['a', 'b'])).toBeUndefined();
  });
  it('compares sets ignoring case and order', () => {
    expect(sameSet(['A', 'b'], ['b', 'a'])).toBe(true);
    expect(sameSet(['a'], ['a', 'b'])).toBe(false);
  });
});
