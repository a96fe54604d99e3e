/** Plan and run reports: terminal, Markdown, HTML, JSON, and writing them to a file. */
export { renderHtml } from './render-html.js';
export { renderJson } from './render-json.js';
export { renderMarkdown } from './render-markdown.js';
export { renderTerminal } from './render-terminal.js';
export { writeReport } from './write-report.js';
