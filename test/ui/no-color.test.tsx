import { afterAll, describe, expect, it } from 'vitest';

// Chalk decides its colour level when first imported, and vitest's output is not a terminal:
// force colour before ink (and so chalk) loads, so that "no colour" can be told from "colour".
const previous = process.env['FORCE_COLOR'];
process.env['FORCE_COLOR'] = '1';
const { render } = await import('ink-testing-library');
const { App } = await import('../../src/ui/app.js');
const { sessionFromEvents } = await import('../../src/ui/session.js');
const { colorFromEnv } = await import('../../src/ui/theme.js');
const { firstPodEvents } = await import('./fixtures/first-pod-events.js');
const { settle } = await import('./helpers.js');

afterAll(() => {
  if (previous === undefined) delete process.env['FORCE_COLOR'];
  else process.env['FORCE_COLOR'] = previous;
});

/** SGR colour parameters: 30–37/90–97 foreground, 40–47/100–107 background, 38;…/48;… extended. */
// eslint-disable-next-line no-control-regex
const COLOUR_SGR = /\u001B\[(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]/;

const session = () => sessionFromEvents('First pod', 'sim', firstPodEvents());
const size = { columns: 100, rows: 30 };

describe('NO_COLOR', () => {
  it('reads NO_COLOR as no-color.org says: set and not empty', () => {
    expect(colorFromEnv({})).toBe(true);
    expect(colorFromEnv({ NO_COLOR: '' })).toBe(true);
    expect(colorFromEnv({ NO_COLOR: '1' })).toBe(false);
    expect(colorFromEnv({ NO_COLOR: 'anything' })).toBe(false);
  });

  it('colours states and arrows by default', async () => {
    const app = render(<App session={session()} size={size} initialStep={6} color />);
    await settle();
    expect(app.lastFrame()).toMatch(COLOUR_SGR);
    app.unmount();
  });

  it('renders no colour at all with colour off, keeping inverse and bold for the selection', async () => {
    const app = render(<App session={session()} size={size} initialStep={6} color={false} />);
    await settle();
    const f = app.lastFrame()!;
    expect(f).not.toMatch(COLOUR_SGR);
    // The selected call is still visible, in inverse video.
    expect(f).toContain('\u001B[7m');
    app.unmount();
  });

  it('takes the default from the environment', async () => {
    process.env['NO_COLOR'] = '1';
    try {
      const app = render(<App session={session()} size={size} initialStep={6} />);
      await settle();
      expect(app.lastFrame()).not.toMatch(COLOUR_SGR);
      app.unmount();
    } finally {
      delete process.env['NO_COLOR'];
    }
  });
});
