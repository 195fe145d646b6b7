// constcheck.go — the C value of every constant this package declares with a literal, so
// that TestConstantsMatchC (constcheck_test.go) fails when one drifts from the header.
// Go constants are literals so that `go doc` shows their values.

package ltx

/*
#include <ltx/ltx.h>
*/
import "C"

type constPair struct {
	name, cname string
	goVal, cVal interface{}
}

// cConstants pairs each constant with the C macro or enumerator it mirrors.
func cConstants() []constPair {
	return []constPair{
		{"CodeOK", "LTX_OK", int64(CodeOK), int64(C.LTX_OK)},
		{"CodeInvalid", "LTX_EINVAL", int64(CodeInvalid), int64(C.LTX_EINVAL)},
		{"CodeRequest", "LTX_EREQUEST", int64(CodeRequest), int64(C.LTX_EREQUEST)},
		{"CodeNoMem", "LTX_ENOMEM", int64(CodeNoMem), int64(C.LTX_ENOMEM)},
		{"CodeIO", "LTX_EIO", int64(CodeIO), int64(C.LTX_EIO)},
		{"CodeNetwork", "LTX_ENETWORK", int64(CodeNetwork), int64(C.LTX_ENETWORK)},
		{"CodeTimedOut", "LTX_ETIMEDOUT", int64(CodeTimedOut), int64(C.LTX_ETIMEDOUT)},
		{"CodeCancelled", "LTX_ECANCELLED", int64(CodeCancelled), int64(C.LTX_ECANCELLED)},
		{"CodeProtocol", "LTX_EPROTOCOL", int64(CodeProtocol), int64(C.LTX_EPROTOCOL)},
		{"CodeJobFailed", "LTX_EJOBFAILED", int64(CodeJobFailed), int64(C.LTX_EJOBFAILED)},
		{"CodeSinkFull", "LTX_ESINKFULL", int64(CodeSinkFull), int64(C.LTX_ESINKFULL)},
		{"CodeInit", "LTX_EINIT", int64(CodeInit), int64(C.LTX_EINIT)},
		{"CodeHTTP", "LTX_EHTTP", int64(CodeHTTP), int64(C.LTX_EHTTP)},
		{"CodeHeader", "LTX_EHEADER", int64(CodeHeader), int64(C.LTX_EHEADER)},
		{"CodeTLS", "LTX_ETLS", int64(CodeTLS), int64(C.LTX_ETLS)},
		{"CodeURL", "LTX_EURL", int64(CodeURL), int64(C.LTX_EURL)},
		{"CodeBadRequest", "LTX_EBADREQUEST", int64(CodeBadRequest), int64(C.LTX_EBADREQUEST)},
		{"CodeAuth", "LTX_EAUTH", int64(CodeAuth), int64(C.LTX_EAUTH)},
		{"CodeFunds", "LTX_EFUNDS", int64(CodeFunds), int64(C.LTX_EFUNDS)},
		{"CodeForbidden", "LTX_EFORBIDDEN", int64(CodeForbidden), int64(C.LTX_EFORBIDDEN)},
		{"CodeNotFound", "LTX_ENOTFOUND", int64(CodeNotFound), int64(C.LTX_ENOTFOUND)},
		{"CodeTooLarge", "LTX_ETOOLARGE", int64(CodeTooLarge), int64(C.LTX_ETOOLARGE)},
		{"CodeContent", "LTX_ECONTENT", int64(CodeContent), int64(C.LTX_ECONTENT)},
		{"CodeRateLimit", "LTX_ERATELIMIT", int64(CodeRateLimit), int64(C.LTX_ERATELIMIT)},
		{"CodeServer", "LTX_ESERVER", int64(CodeServer), int64(C.LTX_ESERVER)},
		{"CodeBadGateway", "LTX_EBADGATEWAY", int64(CodeBadGateway), int64(C.LTX_EBADGATEWAY)},
		{"CodeUnavailable", "LTX_EUNAVAILABLE", int64(CodeUnavailable), int64(C.LTX_EUNAVAILABLE)},
		{"CodeGatewayTimeout", "LTX_EGATEWAYTIMEOUT", int64(CodeGatewayTimeout), int64(C.LTX_EGATEWAYTIMEOUT)},
		{"OtherEndpoint", "LTX_ENDPOINT_OTHER", int64(OtherEndpoint), int64(C.LTX_ENDPOINT_OTHER)},
		{"TextToVideo", "LTX_ENDPOINT_TEXT_TO_VIDEO", int64(TextToVideo), int64(C.LTX_ENDPOINT_TEXT_TO_VIDEO)},
		{"ImageToVideo", "LTX_ENDPOINT_IMAGE_TO_VIDEO", int64(ImageToVideo), int64(C.LTX_ENDPOINT_IMAGE_TO_VIDEO)},
		{"AudioToVideo", "LTX_ENDPOINT_AUDIO_TO_VIDEO", int64(AudioToVideo), int64(C.LTX_ENDPOINT_AUDIO_TO_VIDEO)},
		{"Retake", "LTX_ENDPOINT_RETAKE", int64(Retake), int64(C.LTX_ENDPOINT_RETAKE)},
		{"Extend", "LTX_ENDPOINT_EXTEND", int64(Extend), int64(C.LTX_ENDPOINT_EXTEND)},
		{"VideoToVideoHDR", "LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR", int64(VideoToVideoHDR), int64(C.LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR)},
		{"VideoToVideoReframe", "LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME", int64(VideoToVideoReframe), int64(C.LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME)},
		{"ModelLTX23Fast", "LTX_MODEL_LTX_2_3_FAST", ModelLTX23Fast, string(C.LTX_MODEL_LTX_2_3_FAST)},
		{"ModelLTX23Pro", "LTX_MODEL_LTX_2_3_PRO", ModelLTX23Pro, string(C.LTX_MODEL_LTX_2_3_PRO)},
		{"ModelLTX25Fast", "LTX_MODEL_LTX_2_5_FAST", ModelLTX25Fast, string(C.LTX_MODEL_LTX_2_5_FAST)},
		{"ModelLTX25Pro", "LTX_MODEL_LTX_2_5_PRO", ModelLTX25Pro, string(C.LTX_MODEL_LTX_2_5_PRO)},
		{"StageSubmitted", "LTX_STAGE_SUBMITTED", int64(StageSubmitted), int64(C.LTX_STAGE_SUBMITTED)},
		{"StageWaiting", "LTX_STAGE_WAITING", int64(StageWaiting), int64(C.LTX_STAGE_WAITING)},
		{"StageDownloading", "LTX_STAGE_DOWNLOADING", int64(StageDownloading), int64(C.LTX_STAGE_DOWNLOADING)},
		{"StageSubmitting", "LTX_STAGE_SUBMITTING", int64(StageSubmitting), int64(C.LTX_STAGE_SUBMITTING)},
		{"JobSubmitted", "LTX_JOB_SUBMITTED", int64(JobSubmitted), int64(C.LTX_JOB_SUBMITTED)},
		{"JobPending", "LTX_JOB_PENDING", int64(JobPending), int64(C.LTX_JOB_PENDING)},
		{"JobProcessing", "LTX_JOB_PROCESSING", int64(JobProcessing), int64(C.LTX_JOB_PROCESSING)},
		{"JobCompleted", "LTX_JOB_COMPLETED", int64(JobCompleted), int64(C.LTX_JOB_COMPLETED)},
		{"JobFailed", "LTX_JOB_FAILED", int64(JobFailed), int64(C.LTX_JOB_FAILED)},
		{"JobUnknown", "LTX_JOB_UNKNOWN", int64(JobUnknown), int64(C.LTX_JOB_UNKNOWN)},
		{"LogError", "LTX_LOG_ERROR", int64(LogError), int64(C.LTX_LOG_ERROR)},
		{"LogWarn", "LTX_LOG_WARN", int64(LogWarn), int64(C.LTX_LOG_WARN)},
		{"LogInfo", "LTX_LOG_INFO", int64(LogInfo), int64(C.LTX_LOG_INFO)},
		{"LogDebug", "LTX_LOG_DEBUG", int64(LogDebug), int64(C.LTX_LOG_DEBUG)},
		{"DefaultBaseURL", "LTX_DEFAULT_BASE_URL", DefaultBaseURL, string(C.LTX_DEFAULT_BASE_URL)},
		{"DefaultConnectTimeout", "LTX_DEFAULT_CONNECT_TIMEOUT_MS", DefaultConnectTimeout.Milliseconds(), int64(C.LTX_DEFAULT_CONNECT_TIMEOUT_MS)},
		{"DefaultStallTimeout", "LTX_DEFAULT_STALL_TIMEOUT_MS", DefaultStallTimeout.Milliseconds(), int64(C.LTX_DEFAULT_STALL_TIMEOUT_MS)},
		{"DefaultDeadline", "LTX_DEFAULT_DEADLINE_MS", DefaultDeadline.Milliseconds(), int64(C.LTX_DEFAULT_DEADLINE_MS)},
		{"DefaultPollInterval", "LTX_DEFAULT_POLL_INTERVAL_MS", DefaultPollInterval.Milliseconds(), int64(C.LTX_DEFAULT_POLL_INTERVAL_MS)},
		{"DefaultMaxRetries", "LTX_DEFAULT_MAX_RETRIES", int64(DefaultMaxRetries), int64(C.LTX_DEFAULT_MAX_RETRIES)},
		{"DefaultRetryBase", "LTX_DEFAULT_RETRY_BASE_MS", DefaultRetryBase.Milliseconds(), int64(C.LTX_DEFAULT_RETRY_BASE_MS)},
		{"DefaultRetryCap", "LTX_DEFAULT_RETRY_CAP_MS", DefaultRetryCap.Milliseconds(), int64(C.LTX_DEFAULT_RETRY_CAP_MS)},
	}
}
