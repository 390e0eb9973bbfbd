import { XMLParser } from 'fast-xml-parser';

/** The XML-RPC values unoserver's methods take: strings, lists of strings, booleans and None. */
export type XmlRpcValue = string | boolean | null | readonly string[];

/** The server answered with an XML-RPC fault: the Python exception's class and message. */
export class XmlRpcFault extends Error {
  readonly faultString: string;
  constructor(faultString: string) {
    super(`XML-RPC fault: ${faultString}`);
    this.name = 'XmlRpcFault';
    this.faultString = faultString;
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function encodeValue(value: XmlRpcValue): string {
  if (value === null) return '<nil/>';
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'string') return `<string>${escapeXml(value)}</string>`;
  return `<array><data>${value.map((item) => `<value>${encodeValue(item)}</value>`).join('')}</data></array>`;
}

export function encodeMethodCall(method: string, params: readonly XmlRpcValue[]): string {
  const encoded = params.map((param) => `<param><value>${encodeValue(param)}</value></param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${encoded}</params></methodCall>`;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

interface FaultMember {
  name?: string;
  value?: { string?: string } | string;
}

/** Returns nothing on success (the callers only need "it worked"); throws XmlRpcFault on a fault. */
export function checkMethodResponse(xml: string): void {
  const document = parser.parse(xml) as {
    methodResponse?: { fault?: { value?: { struct?: { member?: FaultMember | FaultMember[] } } } };
  };
  const response = document.methodResponse;
  if (response === undefined) throw new Error(`Not an XML-RPC response: ${xml.slice(0, 200)}`);
  if (response.fault === undefined) return;
  const members = [response.fault.value?.struct?.member ?? []].flat();
  const faultString = members.find((member) => member.name === 'faultString')?.value;
  throw new XmlRpcFault(
    typeof faultString === 'string' ? faultString : (faultString?.string ?? 'unknown fault'),
  );
}
