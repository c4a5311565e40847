// The JSON Schema of the report (schemas/report.schema.json), for consumers and tests.
import schema from "../../schemas/report.schema.json" with { type: "json" };

export const reportSchema: object = schema;
