/**
 * One outbound message through Twilio's Messages API: a free-form `body`, or an approved
 * content template (`contentSid` + `contentVariables`) for WhatsApp outside the 24-hour window.
 */
export interface OutboundMessage {
  to: string;
  from: string;
  body?: string;
  contentSid?: string;
  contentVariables?: Record<string, string>;
  statusCallback?: string;
}

/** A send Twilio refused or that did not reach it. `retryable`: worth another attempt later. */
export class SendError extends Error {
  readonly code = 'send_failed';
  constructor(
    readonly retryable: boolean,
    /** Twilio's error code (63016, 21610…) or the HTTP status when there is none. */
    readonly twilioCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundSender {
  readonly kind: 'twilio' | 'local';
  /** Sends and returns Twilio's message SID; throws SendError. */
  send(message: OutboundMessage): Promise<{ sid: string }>;
}
