export { type SignedInUser, TEST_PASSWORD, type TestUser, UserFactory } from '@relay/gateway';
export { Balancer } from './balancer.ts';
export { chatRows } from './chat-rows.ts';
export { Cluster, type ClusterOptions, RecordingClient, ROOT } from './cluster.ts';
export { type EntryPointResult, runEntryPoint } from './entry-point.ts';
export {
  ARABIC,
  CORPUS_DIR,
  cjkDocx,
  cjkHtml,
  DEVANAGARI,
  docxPackage,
  EAST_ASIAN,
  EMOJI,
  fontsDocx,
  INVOICE_ITEMS,
  INVOICE_LEFT,
  INVOICE_RIGHT,
  invoiceHtml,
  OFFICE_FONTS,
  officeFontsDocx,
  releaseMarkdown,
  storedZip,
} from './fidelity-documents.ts';
export {
  committedOffsets,
  endOffsets,
  type KeyedRecord,
  kafkaBrokers,
  produceRaw,
  type RawRecord,
  type ReadKeyOptions,
  readKey,
} from './kafka-records.ts';
export { type CaughtMail, mailsTo, tokenFromMail, waitForMail } from './maildev.ts';
export {
  type FidelityKind,
  type FidelityScore,
  OFFICE_STAND_INS,
  type PdfFont,
  pdfFonts,
  pdfPages,
  pdfText,
  scoreFidelity,
  sourceFacts,
  wordsOf,
} from './pdf-fidelity.ts';
export {
  freePort,
  rssMiB,
  type ServiceProcess,
  type StartOptions,
  startProcess,
  stopAllProcesses,
  stopGracefully,
} from './processes.ts';
export { TestTokenIssuer, type TokenOptions } from './token-issuer.ts';
