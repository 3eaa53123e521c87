import { SetMetadata } from '@nestjs/common';

/**
 * The contracts (seed documents) the service speaks, each with its own error envelope:
 * - platform: seed 002, `/api/v1/...`            `{"error": {"code", "message"}}`
 * - legacy:   seeds 000 and 003                   `{"error": {"code", "message"}}`
 * - callback: seed 001, `/api/v1/callback/...`   `{"result": false, "error": "..."}`; validation 422 `{"result": false, "<field>": [..]}`
 * - qr:       seed 004, `/api/qr`, `/api/getUser` `{"error": <1|10|101..104>, "error_msg": "..."}`
 * - oauth:    `/oauth2/...`                       RFC 6749 `{"error": "...", "error_description": "..."}`
 */
export type ApiContractName = 'platform' | 'legacy' | 'callback' | 'qr' | 'oauth';

export const API_CONTRACT = 'api:contract';

/** Names the contract, and so the error envelope, of every route of a controller. */
export const ApiContract = (contract: ApiContractName) => SetMetadata(API_CONTRACT, contract);
