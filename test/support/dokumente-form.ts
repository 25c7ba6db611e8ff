/** A form with attachment fields of every kind, added to a copy of the mini catalog by the attachment tests. */
export const DOKUMENTE_FORM = {
  id: 'dokumente',
  version: '1.0',
  status: 'PUBLISHED',
  serviceId: 'fahrzeug-zulassen',
  owner: 'test-verkehr',
  title: { de: 'Antrag mit Unterlagen', en: 'Application with documents' },
  completeness: { attachments: ['/ausweis'] },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'ausweis'],
    properties: {
      name: { type: 'string', maxLength: 100, 'x-label': { de: 'Name', en: 'Name' } },
      ausweis: {
        type: 'object',
        'x-label': { de: 'Ausweis (PDF)', en: 'ID card (PDF)' },
        'x-widget': 'attachment',
        'x-attachment': { mediaTypes: ['application/pdf'], maxBytes: 2097152 },
        additionalProperties: false,
        required: ['attachmentId', 'fileName', 'mediaType', 'size'],
        properties: {
          attachmentId: { type: 'string', format: 'uuid', maxLength: 36, 'x-label': { de: 'Kennung', en: 'Id' } },
          fileName: { type: 'string', minLength: 1, maxLength: 255, 'x-label': { de: 'Dateiname', en: 'File name' } },
          mediaType: { type: 'string', enum: ['application/pdf'], 'x-label': { de: 'Dateityp', en: 'File type' } },
          size: { type: 'integer', minimum: 1, maximum: 2097152, 'x-label': { de: 'Größe', en: 'Size' } },
        },
      },
      fotos: {
        type: 'array',
        maxItems: 2,
        'x-label': { de: 'Fotos', en: 'Photos' },
        items: {
          type: 'object',
          'x-label': { de: 'Foto', en: 'Photo' },
          'x-widget': 'attachment',
          'x-attachment': { mediaTypes: ['image/jpeg', 'image/png'], maxBytes: 31457280, maxFiles: 2 },
          additionalProperties: false,
          required: ['attachmentId', 'fileName'],
          properties: {
            attachmentId: { type: 'string', format: 'uuid', maxLength: 36, 'x-label': { de: 'Kennung', en: 'Id' } },
            fileName: { type: 'string', minLength: 1, maxLength: 255, 'x-label': { de: 'Dateiname', en: 'File name' } },
            mediaType: { type: 'string', maxLength: 100, 'x-label': { de: 'Dateityp', en: 'File type' } },
            size: { type: 'integer', minimum: 1, 'x-label': { de: 'Größe', en: 'Size' } },
          },
        },
      },
    },
  },
  layout: {
    steps: [{ id: 'alles', title: { de: 'Angaben' }, sections: [{ id: 'a', title: { de: 'Angaben' }, fields: ['name', 'ausweis', 'fotos'] }] }],
  },
};
