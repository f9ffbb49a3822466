import type { Backends } from '../backends/backend';
import type { ExtraResult } from '../results-model';

export const RENDERER_TITLE = 'Renderer: time to show 100k rows; frame times while 5k exchanges/s arrive';

/** Filled in once the renderer and the control server exist. */
export async function measureRenderer(_o: { dir: string; backends: Backends; log(line: string): void }): Promise<ExtraResult> {
  return { title: RENDERER_TITLE, skipped: 'the renderer and the control server (main/control) are not built yet', figures: {}, notes: [] };
}
