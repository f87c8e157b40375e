/**
 * The YAML editor is CodeMirror, the `yaml` package and the manifest conversion: about half of
 * the editor's JavaScript, used only by the property panel's YAML tab. It is left out of opening
 * a design and fetched once a component is first selected, so it is usually there by the time
 * someone opens the tab, even if the hub has gone away in between.
 */
import { sharedLoad } from '../lib/sharedLoad';

/** The YAML editor's module, loaded once; a failed load (hub unreachable) is tried again. */
export const loadYamlEditor = sharedLoad(() => import('./YamlEditor.svelte'));

/** Starts loading the YAML editor ahead of need. */
export function prefetchYamlEditor(): void {
  // A failure here is not shown: the tab tries again, and says so if it fails too.
  loadYamlEditor().catch(() => undefined);
}
