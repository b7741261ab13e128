// View state that outlives one component: the message tab, preview width, open panels.

export type Tab = 'preview' | 'source' | 'text' | 'headers' | 'raw' | 'attachments' | 'links' | 'transcript';
export type Device = 'phone' | 'tablet' | 'desktop';

export const ui = $state({
  tab: 'preview' as Tab,
  device: 'desktop' as Device,
  /** The sidebar drawer on narrow screens. */
  sidebarOpen: false,
  shortcutsOpen: false,
  /** A pending confirmation (delete all / mark all read). */
  confirm: null as null | { title: string; message: string; action: string; run: () => Promise<void> | void },
});
