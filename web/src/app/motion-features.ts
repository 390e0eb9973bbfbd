// Loaded after first paint: the page-enter animation can wait, the first screen should not.
export { domAnimation as default } from 'motion/react';
