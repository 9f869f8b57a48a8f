import { SchemaType } from '../wire/enums.js';
import type { Schema } from '../wire/messages.js';

/** The SchemaInfo an AVRO producer or consumer registers, with the properties the Java client adds. */
export function avroSchemaInfo(name: string, schema: unknown): Schema {
  return {
    name,
    type: SchemaType.Avro,
    schemaData: Buffer.from(typeof schema === 'string' ? schema : JSON.stringify(schema), 'utf8'),
    properties: [
      { key: '__alwaysAllowNull', value: 'true' },
      { key: '__jsr310ConversionEnabled', value: 'false' },
    ],
  };
}
