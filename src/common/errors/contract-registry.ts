import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { API_CONTRACT, type ApiContractName } from './api-contract.js';

/**
 * Which contract a request path belongs to. Filled at bootstrap from the @ApiContract() of every controller
 * (its path is the prefix), and by modules that mount non-Nest handlers (oidc-provider under /oauth2).
 * Resolution by longest prefix also covers errors raised before routing (body parsing, unknown routes).
 */
@Injectable()
export class ContractRegistry implements OnApplicationBootstrap {
  private prefixes: { prefix: string; contract: ApiContractName }[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype;
      if (!type) continue;
      const contract = this.reflector.get<ApiContractName | undefined>(API_CONTRACT, type);
      if (!contract) continue;
      const paths = [this.reflector.get<string | string[] | undefined>(PATH_METADATA, type) ?? '/'].flat();
      for (const p of paths) this.register(p, contract);
    }
  }

  register(prefix: string, contract: ApiContractName): void {
    const normalised = `/${prefix}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
    this.prefixes = [...this.prefixes.filter((e) => e.prefix !== normalised), { prefix: normalised, contract }].sort(
      (a, b) => b.prefix.length - a.prefix.length,
    );
  }

  resolve(path: string): ApiContractName {
    for (const { prefix, contract } of this.prefixes) {
      if (prefix === '/' || path === prefix || path.startsWith(`${prefix}/`)) return contract;
    }
    return 'platform';
  }
}
