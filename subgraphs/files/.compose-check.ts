import { composeSupergraph } from '../../gateway/src/compose.ts';
const sdl = composeSupergraph();
console.log('composed OK', sdl.length);
