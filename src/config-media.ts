// Where downloaded media is stored (SPEC §18), parsed from WAHUB_MEDIA_URL by `loadConfig`.
// Nothing here reads process.env; S3 credentials are never configuration of Wahub's: the AWS SDK
// takes them from the standard AWS environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …).

export type S3MediaConfig = Readonly<{
  kind: 's3'
  bucket: string
  /** Key prefix without leading or trailing slash ('' = the bucket's root). */
  prefix: string
  region: string
  /** An S3-compatible server's URL (MinIO, R2, …); undefined = AWS. */
  endpoint: string | undefined
  /** Bucket in the path (http://host/bucket/key), as MinIO and most self-hosted servers need. */
  forcePathStyle: boolean
}>

export type MediaConfig = Readonly<{ kind: 'local'; dir: string | undefined }> | S3MediaConfig

type Get = (name: string) => string
type Fail = (message: string) => Error

export const mediaVariables = [
  {
    name: 'WAHUB_MEDIA_URL',
    default: '',
    description:
      'Where downloaded media is kept. Empty = WAHUB_DATA_DIR/media; file:///absolute/folder = that folder; s3://bucket/prefix = an S3-compatible bucket shared by every instance (needed with several instances), with ?region=eu-west-1, ?endpoint=http://minio:9000 for a server other than AWS and &path_style=true when it wants the bucket in the path (MinIO). Credentials come from the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).',
  },
] as const

const example = 's3://wahub-media/prod?region=eu-west-1'

export function parseMediaConfig(get: Get, fail: Fail): MediaConfig {
  const raw = get('WAHUB_MEDIA_URL')
  if (raw === '') return { kind: 'local', dir: undefined }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw fail(
      `WAHUB_MEDIA_URL must be file:///folder or s3://bucket/prefix (like ${example}), got "${raw}".`,
    )
  }
  if (url.protocol === 'file:') {
    if (url.search || url.host)
      throw fail(`WAHUB_MEDIA_URL file URLs are file:///absolute/folder, got "${raw}".`)
    return { kind: 'local', dir: decodeURIComponent(url.pathname).replace(/\/+$/, '') || '/' }
  }
  if (url.protocol !== 's3:') {
    throw fail(`WAHUB_MEDIA_URL must start with file:// or s3:// (like ${example}), got "${url.protocol}//".`)
  }
  if (url.username || url.password) {
    throw fail(
      'WAHUB_MEDIA_URL must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment instead.',
    )
  }
  const bucket = url.hostname
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw fail(
      `WAHUB_MEDIA_URL names the bucket "${bucket}": S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens.`,
    )
  }
  const known = ['region', 'endpoint', 'path_style']
  for (const name of url.searchParams.keys()) {
    if (!known.includes(name))
      throw fail(`WAHUB_MEDIA_URL has an unknown option "${name}": use ${known.join(', ')}.`)
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined
  if (endpoint !== undefined) {
    let parsed: URL | undefined
    try {
      parsed = new URL(endpoint)
    } catch {
      parsed = undefined
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
      throw fail(
        `WAHUB_MEDIA_URL's endpoint must be an http(s) URL like http://minio:9000, got "${endpoint}".`,
      )
    }
  }
  const pathStyle = (url.searchParams.get('path_style') ?? '').toLowerCase()
  if (!['', 'true', 'false'].includes(pathStyle)) {
    throw fail(`WAHUB_MEDIA_URL's path_style must be true or false, got "${pathStyle}".`)
  }
  return {
    kind: 's3',
    bucket,
    prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ''),
    region: url.searchParams.get('region') || get('AWS_REGION') || 'us-east-1',
    endpoint,
    forcePathStyle: pathStyle === 'true',
  }
}
