// The CSV columns of a batch (src/batches/columns.ts): derived from the application schema, each
// with a Chinese header of its own, and cells read as the schema's types (a vocabulary's Chinese
// label as its id).

import t from 'tap'
import { CHINESE_DESCRIPTIONS } from '../../src/batches/column-descriptions-zh.ts'
import { CHINESE_HEADERS, COLUMNS, cellValue, columnAt, columnOf } from '../../src/batches/columns.ts'
import { Application } from '../../src/schemas/application.ts'

/** The schema node of a column's fact (through an optional object that may be null). */
const schemaAt = (path: string) => {
  type Node = { properties?: Record<string, Node>; anyOf?: Node[]; enum?: string[]; type?: string }
  let node = Application as unknown as Node
  for (const name of path.split('.')) {
    node = node.anyOf?.find((s) => s.type !== 'null') ?? node
    node = node.properties![name]!
  }
  return node.anyOf?.find((s) => s.type !== 'null') ?? node
}

t.test('every column of the schema has a Chinese header, and no two share one', async (t) => {
  t.same(
    COLUMNS.filter((c) => CHINESE_HEADERS[c.path] === undefined).map((c) => c.path),
    [],
    'columns without a Chinese header',
  )
  t.equal(new Set(COLUMNS.map((c) => c.zh)).size, COLUMNS.length, 'Chinese headers are unique')
  t.same(
    Object.keys(CHINESE_HEADERS).filter((p) => !COLUMNS.some((c) => c.path === p)),
    [],
    'headers for facts the schema no longer has',
  )
})

t.test(
  'every column is described in Chinese, citing the clauses its English description cites',
  async (t) => {
    const clauses = (text: string) => [...text.matchAll(/§\d+/g)].map((m) => m[0]).sort()
    for (const c of COLUMNS) {
      t.match(c.descriptionZh, /[\u4e00-\u9fff]/, `${c.path}: a Chinese description`)
      t.same(clauses(c.descriptionZh), clauses(c.description), `${c.path}: the same clauses`)
    }
    t.same(
      Object.keys(CHINESE_DESCRIPTIONS).filter((p) => !COLUMNS.some((c) => c.path === p)),
      [],
      'descriptions of facts the schema no longer has',
    )
  },
)

t.test('lists are JSON columns; nested objects are flattened', async (t) => {
  const kind = (path: string) => COLUMNS.find((c) => c.path === path)?.kind
  t.equal(kind('project.taxRecords'), 'json')
  t.equal(kind('claims.talents'), 'json')
  t.equal(kind('project.park.level'), 'string', 'a nullable object: its facts are columns')
  t.equal(kind('claims.top3AwardYear'), 'integer')
  t.equal(kind('project.deepProcessing'), 'boolean')
  t.equal(columnOf('投资额')?.path, 'project.investment')
  t.equal(columnOf('\uFEFF project.investment ')?.path, 'project.investment', 'BOM and spaces ignored')
  t.equal(columnOf('colour'), undefined)
  t.equal(columnAt('/project/taxRecords/3/vat')?.path, 'project.taxRecords', 'a pointer inside a list')
  t.equal(columnAt('/project/land/plotRatio')?.path, 'project.land.plotRatio')
})

t.test('cells as the schema types them; unreadable text stays text for the validator', async (t) => {
  const col = (path: string) => COLUMNS.find((c) => c.path === path)!
  t.equal(cellValue(col('project.deepProcessing'), '是'), true)
  t.equal(cellValue(col('project.deepProcessing'), 'FALSE'), false)
  t.equal(cellValue(col('project.deepProcessing'), 'maybe'), 'maybe')
  t.equal(cellValue(col('claims.top3AwardYear'), ' 2015 '), 2015)
  t.equal(cellValue(col('claims.top3AwardYear'), '2015.5'), '2015.5')
  t.equal(
    cellValue(col('project.investment'), '120000000.00'),
    '120000000.00',
    'money stays a decimal string',
  )
  t.same(cellValue(col('claims.standards'), '[{"id":"GB 1"}]'), [{ id: 'GB 1' }])
  t.throws(() => cellValue(col('claims.standards'), '[{'))
})

t.test(
  "a vocabulary's Chinese label is read as its id; every label of a column is one of its values",
  async (t) => {
    const col = (path: string) => COLUMNS.find((c) => c.path === path)!
    t.equal(cellValue(col('project.buildType'), '扩建'), 'expansion')
    t.equal(cellValue(col('project.buildType'), ' expansion '), 'expansion', 'the id as before')
    t.equal(cellValue(col('project.policyClass'), '鼓励类'), 'encouraged')
    t.equal(cellValue(col('project.park.level'), '国家级'), 'national')
    t.equal(cellValue(col('enterprise.emergingIndustryRanking.industry'), '生物医药'), 'biomedicine')
    t.equal(cellValue(col('project.capacityProduct'), '锡冶炼'), 'tin-smelting')
    t.equal(cellValue(col('project.buildType'), '扩大'), '扩大', 'another word stays text, for the validator')
    const withLabels = COLUMNS.filter((c) => c.labels)
    t.ok(withLabels.length >= 6, `${withLabels.length} columns with labels`)
    for (const c of withLabels) {
      const values = schemaAt(c.path).enum
      t.ok(values, `${c.path} is an enum`)
      for (const [label, id] of c.labels!)
        t.ok(values!.includes(id), `${c.path}: ${label} → ${id}, a value of the schema`)
    }
  },
)
