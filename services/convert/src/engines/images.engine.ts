import { writeFile } from 'node:fs/promises';
import type { SourceFormat } from '@relay/contracts';
import { PDFDocument } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import { type ConversionEngine, ConversionFailed, type ConversionRequest } from './engine.ts';
import { describeFormat, refuseUnsupported } from './reasons.ts';

type ImageSource = Extract<SourceFormat, 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif' | 'heic'>;
const IMAGE_SOURCES: readonly ImageSource[] = ['png', 'jpeg', 'webp', 'avif', 'tiff', 'gif', 'heic'];
export const isImageSource = (format: SourceFormat): format is ImageSource =>
  (IMAGE_SOURCES as readonly string[]).includes(format);

/** sharp's prebuilt libheif decodes AVIF only; HEIC (HEVC) needs a libvips built with libde265. */
export const canReadHeic = (): boolean => sharp.format.heif?.input.fileSuffix?.includes('.heic') ?? false;

export interface ImagesEngineOptions {
  /** Larger images are refused before they are decoded (a small file can declare a huge canvas). */
  maxPixels: number;
}

/** Images through sharp: to png/jpeg/webp/avif, or to a one-page PDF the size of the image (pdf-lib). */
export function createImagesEngine({ maxPixels }: ImagesEngineOptions): ConversionEngine {
  async function readImage(request: ConversionRequest & { sourceFormat: ImageSource }) {
    if (request.sourceFormat === 'heic' && !canReadHeic()) {
      throw new ConversionFailed(
        'HEIC images cannot be read here yet; export the photo as JPEG and upload that.',
        {
          retryable: false,
        },
      );
    }
    const unreadable = (cause: unknown) =>
      new ConversionFailed(
        `The file could not be read as ${describeFormat(request.sourceFormat)}: it may be damaged or incomplete.`,
        { retryable: false, cause },
      );
    // The header alone gives the size: refuse before decoding a single pixel.
    const metadata = await sharp(request.inputPath, { limitInputPixels: false })
      .metadata()
      .catch((error: unknown) => {
        throw unreadable(error);
      });
    const { width, height } = metadata.autoOrient ?? metadata;
    if (width * height > maxPixels) {
      throw new ConversionFailed(
        `The image is ${width} × ${height} pixels; images up to ${(maxPixels / 1e6).toLocaleString('en')} megapixels are converted.`,
        { retryable: false },
      );
    }
    // EXIF orientation applied, so the result looks as the photo did; the first frame of an animation.
    return {
      image: sharp(request.inputPath, { failOn: 'truncated', limitInputPixels: maxPixels }).autoOrient(),
      hasAlpha: metadata.hasAlpha,
      unreadable,
    };
  }

  return {
    name: 'images',
    start: async () => {},
    ping: async () => {},
    close: async () => {},
    async convert(request: ConversionRequest): Promise<void> {
      const { sourceFormat, target } = request;
      if (!isImageSource(sourceFormat) || request.options.pdfa !== undefined) {
        throw request.options.pdfa !== undefined
          ? new ConversionFailed(
              'PDF/A is available for documents, not for images; convert to plain PDF instead.',
              {
                retryable: false,
              },
            )
          : refuseUnsupported(request);
      }
      const { image, hasAlpha, unreadable } = await readImage({ ...request, sourceFormat });
      try {
        switch (target) {
          case 'png':
            await image.png().toFile(request.outputPath);
            return;
          case 'jpeg':
            // JPEG has no transparency: transparent areas become white rather than black.
            await image
              .flatten({ background: '#ffffff' })
              .jpeg({ quality: 90, mozjpeg: true })
              .toFile(request.outputPath);
            return;
          case 'webp':
            await image.webp({ quality: 90 }).toFile(request.outputPath);
            return;
          case 'avif':
            await image.avif({ quality: 60 }).toFile(request.outputPath);
            return;
          case 'pdf':
            await writeFile(request.outputPath, await imagePdf(image, hasAlpha));
            return;
          default:
            throw refuseUnsupported(request);
        }
      } catch (error) {
        if (error instanceof ConversionFailed) throw error;
        throw unreadable(error);
      }
    },
  };
}

/**
 * One page exactly the image's size, a pixel to a point (resolution tags are too often missing or
 * wrong to size a page by). Opaque images
 * are embedded as JPEG (a photo as PNG would be several times larger), transparent ones as PNG.
 */
async function imagePdf(image: Sharp, hasAlpha: boolean): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const encoded = hasAlpha ? image.png() : image.jpeg({ quality: 90 });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  const embedded = hasAlpha ? await pdf.embedPng(data) : await pdf.embedJpg(data);
  const [width, height] = [info.width, info.height];
  pdf.addPage([width, height]).drawImage(embedded, { x: 0, y: 0, width, height });
  return pdf.save();
}
