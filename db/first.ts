/** The first row of a query's result, or undefined: `await db.select()….limit(1).then(firstRow)`. */
export function firstRow<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}
