import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TARGET_NAMESPACE } from '../../contract/index.js';
import { renderOpenApi } from './openapi.js';
import { renderWadl } from './wadl.js';
import { renderWsdl } from './wsdl.js';

/**
 * The committed wsdl/, wadl/ and openapi/ files: what an admin can hand to a tool without a running bridge.
 * They are rendered for localhost:8080 and the default namespace; a test fails when they drift
 * from the contract (`npm run generate` rewrites them).
 */
export const DEFAULT_WSDL_ADDRESS = 'http://localhost:8080/mc/cxf/soap';
export const DEFAULT_WADL_BASE = 'http://localhost:8080/mc/cxf/rest';

export const contractFiles = (): Record<string, string> => ({
  'wsdl/mcc.wsdl': renderWsdl({ targetNamespace: DEFAULT_TARGET_NAMESPACE, address: DEFAULT_WSDL_ADDRESS }),
  'wadl/mcc.wadl': renderWadl({ base: DEFAULT_WADL_BASE }),
  'openapi/mcc.openapi.json': renderOpenApi({ base: DEFAULT_WADL_BASE }),
});

export function writeContractFiles(rootDir: string): string[] {
  return Object.entries(contractFiles()).map(([path, text]) => {
    const file = join(rootDir, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
    return file;
  });
}
