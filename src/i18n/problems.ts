// The problem types the API answers with (RFC 9457 `type`), each explained in Chinese and English
// on its page, GET /problems/{type}; and the titles problems carry, in both languages. A problem's
// `title` and `detail` are written here or at the throw site as { zh, en } and picked by the
// request's language when the response is sent (src/plugins/problems.ts).

import type { Text } from './language.ts'

export interface ProblemType {
  /** the last segment of the type URI: /problems/<slug> */
  slug: string
  /** the status it comes with (the usual one, when several) */
  status: number
  /** every status it comes with, when more than one: the page lists them all */
  statuses?: readonly number[]
  title: Text
  /** what happened and what to do, for the page the type URI resolves to */
  explanation: Text
}

export const PROBLEM_TYPE_LIST: readonly ProblemType[] = [
  {
    slug: 'validation-error',
    status: 400,
    title: { zh: '请求校验失败', en: 'Request validation failed' },
    explanation: {
      zh: '请求的某个字段、查询参数或请求头不符合接口定义。`errors` 逐项列出有问题的字段（JSON 指针、参数名或请求头名）及原因。修改后重新发送；未保存任何数据。',
      en: 'A field, query parameter or header of the request does not fit the API’s schema. `errors` lists each offending one (JSON pointer, parameter or header name) and why. Fix it and send again; nothing was stored.',
    },
  },
  {
    slug: 'invalid-facts',
    status: 400,
    statuses: [400, 422],
    title: { zh: '所给事实无法评估', en: 'The facts given cannot be evaluated' },
    explanation: {
      zh: '请求格式正确，但事实本身有误或无法据以决定。`code` 说明类别，`errors` 指出字段；未保存任何数据。400：事实有误，更正后重新发送（InvalidInput：例如信用代码校验位错误、台账标识符不是标准写法；UnknownParameter、InvalidParameterValue：参数覆盖有误）。422：按政策无法据此决定，需要拆分或更正后重新提交（纳税期间跨越参数变更日 StraddlesParameterChange、税种在该期间不存在 TaxNotInForce、金额超出台账可记录的范围 AmountOutOfRange）。',
      en: 'The request is well-formed but its facts are wrong or undecidable as given. `code` says which, `errors` names the field; nothing was stored. 400: the facts are wrong — correct them and send again (InvalidInput: a credit code with a bad check character, a ledger identifier not in its standard form…; UnknownParameter, InvalidParameterValue: a parameter override that names no parameter or gives a wrong value). 422: the policy cannot decide them as given — split or correct them and submit again (a tax period straddling a parameter change, StraddlesParameterChange; a tax that did not exist in that period, TaxNotInForce; amounts past what the ledger records, AmountOutOfRange).',
    },
  },
  {
    slug: 'unauthorized',
    status: 401,
    title: { zh: '未认证', en: 'Unauthorized' },
    explanation: {
      zh: '该接口需要 API 密钥（`Authorization: Bearer yik_…`），而请求未带密钥，或密钥格式错误、未知或已吊销。',
      en: 'The route needs an API key (`Authorization: Bearer yik_…`) and the request had none, or a malformed, unknown or revoked one.',
    },
  },
  {
    slug: 'forbidden',
    status: 403,
    title: { zh: '无权访问', en: 'Forbidden' },
    explanation: {
      zh: '密钥有效，但其角色无权使用该接口。`detail` 列出允许的角色。',
      en: 'The key is valid but its role may not use this route. `detail` lists the roles that may.',
    },
  },
  {
    slug: 'already-superseded',
    status: 409,
    title: { zh: '决定已被更正', en: 'Conflict' },
    explanation: {
      zh: '该决定已被另一决定更正（取代）。请更正最新的那个决定（GET /v1/decisions/{id} 的 `supersededBy`）。',
      en: 'This decision was already corrected (superseded) by another. Correct the newest one instead (`supersededBy` of GET /v1/decisions/{id}).',
    },
  },
  {
    slug: 'correction-changes-enterprise',
    status: 422,
    title: { zh: '更正不能改变企业', en: 'Unprocessable Content' },
    explanation: {
      zh: '更正的事实须属于原决定的企业（`facts.enterprise.creditCode` 不变）：更正会退回原决定在该企业台账中的授予，再在同一企业下重新决定。其他企业须自行提交申请。',
      en: "A correction's facts must be the same enterprise's (`facts.enterprise.creditCode` unchanged): a correction gives back the old decision's grants in that enterprise's ledger and decides again for the same enterprise. Another enterprise submits its own application.",
    },
  },
  {
    slug: 'amount-out-of-range',
    status: 422,
    title: { zh: '金额超出范围', en: 'Unprocessable Content' },
    explanation: {
      zh: '决定中的某个金额（如所有税额都取最大值时的合计）超出账本可记录的范围：金额以 numeric(18, 2) 记录，最多 9999999999999999.99 元。未保存任何数据；请核对申报的金额。',
      en: 'An amount of the decision (such as the total when every tax figure is at its maximum) is beyond what the ledger can record: amounts are numeric(18, 2), at most 9999999999999999.99 yuan. Nothing was stored; check the amounts given.',
    },
  },
  {
    slug: 'last-admin-key',
    status: 409,
    title: { zh: '冲突', en: 'Conflict' },
    explanation: {
      zh: '这是最后一个有效的管理员密钥，吊销后将无人能管理密钥。请先创建另一个管理员密钥。',
      en: 'This is the last active admin key: revoking it would leave nobody able to manage keys. Create another admin key first.',
    },
  },
  {
    slug: 'idempotency-in-progress',
    status: 409,
    title: { zh: '冲突', en: 'Conflict' },
    explanation: {
      zh: '使用同一 Idempotency-Key 的请求正在处理中。等待 `Retry-After` 秒后用同一密钥重试，将得到已保存的响应。',
      en: 'A request with the same Idempotency-Key is still being processed. Retry with the same key after `Retry-After` seconds: you will get its stored response.',
    },
  },
  {
    slug: 'batch-too-large',
    status: 413,
    title: { zh: '批量文件过大', en: 'Batch file too large' },
    explanation: {
      zh: '上传的批量文件超过字节上限（BATCH_MAX_BYTES，默认 100 MB）。已收到的内容均未保存。请拆分文件后分别上传。',
      en: 'The uploaded batch file is over the byte limit (BATCH_MAX_BYTES, 100 MB by default). Nothing received was kept. Split the file and upload the parts.',
    },
  },
  {
    slug: 'batch-not-failed',
    status: 409,
    title: { zh: '批次已完成，无需重试', en: 'The batch is done: nothing to retry' },
    explanation: {
      zh: '只有状态为 failed 或 cancelled 的批次可以重试。该批次已处理完毕，其结果可在 `GET /v1/batches/{id}/results` 查看。',
      en: 'Only a `failed` or `cancelled` batch can be retried. This batch is done; its results are at `GET /v1/batches/{id}/results`.',
    },
  },
  {
    slug: 'batch-not-cancellable',
    status: 409,
    title: { zh: '批次无法取消', en: 'The batch cannot be cancelled' },
    explanation: {
      zh: '只有排队中（queued）、运行中（running）或失败（failed）的批次可以取消。已处理完毕的批次的结果均为已保存的决定，可在 `GET /v1/batches/{id}/results` 查看；仍在上传（receiving）的批次在上传完成后才能取消。',
      en: 'Only a `queued`, `running` or `failed` batch can be cancelled. A batch that is done has stored a decision for every row (its results are at `GET /v1/batches/{id}/results`); a batch still `receiving` its upload can be cancelled once the upload completes.',
    },
  },
  {
    slug: 'batch-upload-incomplete',
    status: 409,
    title: { zh: '批次上传未完成，无法重试', en: 'The batch upload did not complete: nothing to retry' },
    explanation: {
      zh: '该批次的上传在传输中途中断（例如接收它的进程被终止），其文件从未完整收到，因此无法从中断处继续。请重新上传该文件：这将创建一个新批次。',
      en: 'The upload of this batch was cut off mid-stream (e.g. the process receiving it was killed): its file never arrived whole, so there is nothing to resume. Upload the file again: that makes a new batch.',
    },
  },
  {
    slug: 'batch-too-many-rows',
    status: 422,
    title: { zh: '批量文件行数过多', en: 'Too many rows in the batch' },
    explanation: {
      zh: '批量文件的数据行超过上限（BATCH_MAX_ROWS，默认 100 000 行）。未保存任何内容。请拆分文件后分别上传。',
      en: 'The batch file holds more data rows than allowed (BATCH_MAX_ROWS, 100 000 by default). Nothing was kept. Split the file and upload the parts.',
    },
  },
  {
    slug: 'batch-unknown-column',
    status: 422,
    title: { zh: '未知的列', en: 'Unknown column' },
    explanation: {
      zh: 'CSV 表头中有一列既不是申请事实的路径（如 project.investment），也不是其中文名。模板（GET /v1/batches/template.csv）列出所有可用的列。未保存任何内容。',
      en: 'A CSV header names neither a fact path of the application (e.g. project.investment) nor its Chinese name. The template (GET /v1/batches/template.csv) lists every column. Nothing was kept.',
    },
  },
  {
    slug: 'batch-duplicate-column',
    status: 422,
    title: { zh: '重复的列', en: 'Duplicate column' },
    explanation: {
      zh: 'CSV 表头中有两列指同一项申请事实（同一路径写了两次，或路径与其中文名各一列）。哪一列有效无法确定，未保存任何内容。请删去其中一列。',
      en: 'Two CSV header cells name the same fact of the application (a path twice, or a path and its Chinese name). Which one holds would be a guess: nothing was kept. Remove one of them.',
    },
  },
  {
    slug: 'batch-not-utf8',
    status: 422,
    title: { zh: '不是 UTF-8 文本', en: 'Not UTF-8 text' },
    explanation: {
      zh: '以 CSV 或 JSON Lines 上传的文件含有不是 UTF-8 编码的字节（例如以 GBK 另存的 CSV，或以 text/csv 发送的工作簿）。未保存任何内容。请以“CSV UTF-8”另存后上传；XLSX 工作簿请以其媒体类型发送。',
      en: 'The file sent as CSV or JSON Lines holds bytes that are not UTF-8 (e.g. a CSV saved as GBK, or a workbook sent as text/csv). Nothing was kept. Save it as "CSV UTF-8" and upload it again; send an XLSX workbook with its media type.',
    },
  },
  {
    slug: 'batch-empty',
    status: 422,
    title: { zh: '批量文件为空', en: 'Empty batch file' },
    explanation: {
      zh: '文件没有表头行或没有数据行。CSV 需要表头行和至少一行数据；JSON Lines 至少一行。',
      en: 'The file has no header row or no data rows. A CSV needs a header row and at least one data row; JSON Lines at least one line.',
    },
  },
  {
    slug: 'batch-not-csv',
    status: 422,
    title: { zh: '不是有效的 CSV', en: 'Not a valid CSV file' },
    explanation: {
      zh: '文件无法按 CSV（UTF-8、逗号分隔、带表头）解析，消息说明出错的位置。未保存任何内容。',
      en: 'The file cannot be parsed as CSV (UTF-8, comma-separated, with a header row); the message says where. Nothing was kept.',
    },
  },
  {
    slug: 'batch-not-xlsx',
    status: 422,
    title: { zh: '不是可读取的 XLSX 工作簿', en: 'Not a readable XLSX workbook' },
    explanation: {
      zh: '以 XLSX 类型上传的文件无法作为 XLSX 工作簿读取（不是 ZIP 文件、文件不完整、设有打开密码，或部件不是格式正确的 XML），消息说明原因。未保存任何内容。请在 Excel 中另存为“Excel 工作簿（*.xlsx）”或“CSV UTF-8”后重新上传。',
      en: 'The file sent as XLSX cannot be read as an XLSX workbook (not a ZIP file, cut short, protected by a password to open it, or a part that is not well-formed XML); the message says which. Nothing was kept. Save it from Excel as "Excel Workbook (*.xlsx)" or "CSV UTF-8" and upload it again.',
    },
  },
  {
    slug: 'budget-below-drawn',
    status: 409,
    title: { zh: '预算低于已拨付金额', en: 'Budget below what was drawn' },
    explanation: {
      zh: '新的预算金额低于该预算已拨付的金额（§3 预算池）。已拨付的款项不能收回；请设置不低于已拨付金额的预算。',
      en: 'The new budget amount is less than what was already drawn from it (§3 budget pools). What was paid cannot be taken back: set an amount no lower than the drawn amount.',
    },
  },
  {
    slug: 'budget-prefecture-outcomes-waiting',
    status: 409,
    title: { zh: '该州市的申请结果正在全省队列中等待', en: "The prefecture's outcomes wait province-wide" },
    explanation: {
      zh: '州市预算设立后支付该州市的申请，而不再由全省预算支付（§3 预算池）。该州市已有申请结果在全省预算队列中等待：若此时设立州市预算，其后的申请会先于它们获得拨付。请先追加全省预算拨付这些结果，或在该州市申请到来之前设立州市预算。',
      en: "Once set, a prefecture's budget pays that prefecture's applications instead of the province-wide budget (§3 budget pools). Outcomes of its applications already wait in the province-wide queue: set now, its budget would pay its later applications before them. Fund them with a province-wide top-up first, or set prefecture budgets before their applications come.",
    },
  },
  {
    slug: 'idempotency-key-reused',
    status: 422,
    title: { zh: '无法处理的内容', en: 'Unprocessable Content' },
    explanation: {
      zh: '该 Idempotency-Key 已用于另一个请求体。每个不同的请求请使用新的密钥。',
      en: 'This Idempotency-Key was already used with a different request body. Use a new key for each distinct request.',
    },
  },
  {
    slug: 'rule-not-in-force',
    status: 422,
    title: { zh: '该日期无基准或目标', en: 'No baselines or targets on this date' },
    explanation: {
      zh: '所请求日期没有生效的规则（基准值或目标值）。请选择规则生效期间内的日期（GET /v1/parameters 列出各参数的期间）。',
      en: 'No rule (baseline or target) is in force on the date asked. Pick a date within the rule’s period (GET /v1/parameters lists each parameter’s periods).',
    },
  },
  {
    slug: 'too-many-requests',
    status: 429,
    title: { zh: '请求过多', en: 'Too Many Requests' },
    explanation: {
      zh: '超过了速率限制（每个密钥、每个无密钥客户端地址，或认证失败次数）。等待 `Retry-After` 秒后重试；`RateLimit-*` 响应头给出限额与剩余次数。',
      en: 'A rate limit was reached (per API key, per client address without a key, or authentication failures). Retry after `Retry-After` seconds; the `RateLimit-*` headers give the limit and what is left.',
    },
  },
  {
    slug: 'audit-log-inconsistent',
    status: 500,
    title: { zh: '审计日志不一致', en: 'The audit log is inconsistent' },
    explanation: {
      zh: '审计日志缺失条目或与其头部不符，因此不签发检查点（否则审计人员会保存一个伪造的检查点）。GET /v1/audit/verify 指出第一个有问题的序号。',
      en: 'The audit log has a missing entry or does not end at its head, so no checkpoint is issued (an auditor would otherwise keep a forged one). GET /v1/audit/verify names the first bad seq.',
    },
  },
  {
    slug: 'busy',
    status: 503,
    title: { zh: '服务暂不可用', en: 'Service Unavailable' },
    explanation: {
      zh: '该请求多次争用相同的数据行均未成功，未保存任何数据。请重试。',
      en: 'The request lost several races for the same rows; nothing was stored. Retry it.',
    },
  },
  {
    slug: 'database-unavailable',
    status: 503,
    title: { zh: '服务暂不可用', en: 'Service Unavailable' },
    explanation: {
      zh: '数据库不可达、正在启动或关闭、连接中断或超时。该请求的事务已回滚。等待 `Retry-After` 秒后重试；带同一 Idempotency-Key 的提交若已提交成功，会返回已保存的响应。`code` 说明原因。',
      en: 'The database is unreachable, starting or stopping, broke the connection or timed out; the request’s transaction was rolled back. Retry after `Retry-After` seconds; a submission with the same Idempotency-Key answers its stored response if it did commit. `code` says which.',
    },
  },
]

export const PROBLEM_TYPES_BY_SLUG: ReadonlyMap<string, ProblemType> = new Map(
  PROBLEM_TYPE_LIST.map((p) => [p.slug, p]),
)

/** Titles as code writes them in English, with their Chinese: HTTP status titles and problem titles. */
const TITLES: readonly Text[] = [
  { zh: '请求错误', en: 'Bad Request' },
  { zh: '未认证', en: 'Unauthorized' },
  { zh: '无权访问', en: 'Forbidden' },
  { zh: '未找到', en: 'Not Found' },
  { zh: '方法不允许', en: 'Method Not Allowed' },
  { zh: '不可接受', en: 'Not Acceptable' },
  { zh: '请求超时', en: 'Request Timeout' },
  { zh: '冲突', en: 'Conflict' },
  { zh: '请求体过大', en: 'Payload Too Large' },
  { zh: '不支持的媒体类型', en: 'Unsupported Media Type' },
  { zh: '无法处理的内容', en: 'Unprocessable Content' },
  { zh: '请求过多', en: 'Too Many Requests' },
  { zh: '服务器内部错误', en: 'Internal Server Error' },
  { zh: '服务暂不可用', en: 'Service Unavailable' },
  { zh: 'JSON 格式错误', en: 'Malformed JSON body' },
  { zh: '请求校验失败', en: 'Request validation failed' },
  { zh: '所给事实无法评估', en: 'The facts given cannot be evaluated' },
  { zh: '审计日志不一致', en: 'The audit log is inconsistent' },
  { zh: '该日期无基准或目标', en: 'No baselines or targets on this date' },
]
const TITLE_BY_ENGLISH: ReadonlyMap<string, Text> = new Map(TITLES.map((t) => [t.en, t]))

/** A title written in English, in both languages; null when this table does not know it. */
export const titleText = (english: string): Text | null => TITLE_BY_ENGLISH.get(english) ?? null
