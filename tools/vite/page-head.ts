// The <head> both web pages share, injected by their Vite builds: charset, viewport, colour scheme, the page's title
// and theme colour, and the SplitLoRA icon in that colour. Each index.html keeps only what is its own.
import type { HtmlTagDescriptor, Plugin } from 'vite';

export interface PageHead {
  title: string;
  /** Accent colour of the page: the icon's background and, when `themeColor` is set, the browser's theme colour. */
  color: string;
  themeColor?: boolean;
  description?: string;
}

function icon(color: string): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='8' fill='${color}'/>`
    + `<path d='M9 21l7-10 7 10' stroke='white' stroke-width='3' fill='none' stroke-linecap='round' stroke-linejoin='round'/></svg>`;
  return `data:image/svg+xml,${svg.replace(/</g, '%3C').replace(/>/g, '%3E').replace(/#/g, '%23')}`;
}

export function pageHead(head: PageHead): Plugin {
  const meta = (attrs: Record<string, string>): HtmlTagDescriptor => ({ tag: 'meta', attrs, injectTo: 'head-prepend' });
  const tags: HtmlTagDescriptor[] = [
    meta({ charset: 'utf-8' }),
    meta({ name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    meta({ name: 'color-scheme', content: 'light' }),
    ...(head.description === undefined ? [] : [meta({ name: 'description', content: head.description })]),
    ...(head.themeColor ? [meta({ name: 'theme-color', content: head.color })] : []),
    { tag: 'title', children: head.title, injectTo: 'head' },
    { tag: 'link', attrs: { rel: 'icon', href: icon(head.color) }, injectTo: 'head' },
  ];
  return { name: 'splitlora-page-head', transformIndexHtml: () => tags };
}
