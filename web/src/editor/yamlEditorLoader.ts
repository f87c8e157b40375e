/**
 * The YAML editor is CodeMirror, the `yaml` package and the manifest conversion: about half of
 * the editor's JavaScript, used only by the property panel's YAML tab. It is left out of opening
 * a design, and fetched ahead of need (see `offlineReady`) or when a component is selected,
 * whichever comes first.
 */
import { sharedLoad } from '../lib/sharedLoad';

/** The YAML editor's module, loaded once; a failed load (hub unreachable) is tried again. */
export const loadYamlEditor = sharedLoad(() => import('./YamlEditor.svelte'));

/** Starts loading the YAML editor ahead of need. */
export function prefetchYamlEditor(): void {
  // A failure here is not shown: the tab tries again, and says so if it fails too.
  loadYamlEditor().catch(() => undefined);
}
