/** GB18030 text bytes for the printer (iconv-lite), as the shared renderer's injected encoder. */
import iconv from 'iconv-lite';
import type { TextEncoderFn } from '../../../shared/receipt/index';

export const encodeGb18030: TextEncoderFn = (text) => iconv.encode(text, 'gb18030');
