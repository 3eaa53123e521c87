import { Module } from '@nestjs/common';
import { AddressTreeController } from './address-tree.controller.js';
import { AddressTreeRepository } from './address-tree.repository.js';
import { AddressTreeService } from './address-tree.service.js';
import { KladrImportRepository } from './kladr-import.repository.js';
import { KladrImporter } from './kladr-importer.service.js';

/**
 * The KLADR address tree: its endpoints, its importer (also run by the CLI, kladr-import.cli.ts), and
 * AddressTreeService, the public service other modules use to fill an address from its code.
 */
/** The importer alone: what the CLI boots, without the HTTP side. */
@Module({ providers: [KladrImportRepository, KladrImporter], exports: [KladrImporter] })
export class KladrImportModule {}

@Module({
  imports: [KladrImportModule],
  controllers: [AddressTreeController],
  providers: [AddressTreeRepository, AddressTreeService],
  exports: [AddressTreeService],
})
export class AddressModule {}
