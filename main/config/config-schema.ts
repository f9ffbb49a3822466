import schema from '../../shared/config.schema.json';

/** The published JSON Schema of the config file (shared/config.schema.json). */
export const configSchema: Readonly<Record<string, unknown>> = schema;

/** The schema as written beside the user's config file, so editors autocomplete it. */
export function configSchemaText(): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
