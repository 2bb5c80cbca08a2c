package dev.herald.local;

import dev.herald.local.bus.AsyncInvoker;
import dev.herald.local.store.CountingDynamo;
import java.util.Map;

/**
 * What herald local has done since it started, counted the way AWS bills it: events published on the bus, Lambda
 * attempts and handler time per function, DynamoDB calls and capacity units, WebSocket messages posted, emails and
 * pushes sent. The cost benchmark turns the difference between two of these into a price per notification.
 *
 * @param events       events the bus received (PutEvents entries, apps' and Herald's own)
 * @param heraldEvents of those, Herald's own ({@code Delivery Status}, {@code Recipient Unsubscribed})
 * @param invocations  per function: its asynchronous invocations, and its invocations by an event source mapping
 * @param capacity     DynamoDB capacity units, counted only while the store meters them
 *                     ({@code store().meterCapacity(true)})
 * @param sqsRequests  SQS requests billed per message: the functions' sends and visibility changes, and the event
 *                     source mappings' receives that returned messages and their deletes (idle long polls are left
 *                     out: they cost the same whatever the traffic)
 */
public record AwsUsage(long events, long heraldEvents, Map<String, AsyncInvoker.Usage> invocations, Map<String, Long> dynamoCalls,
                       CountingDynamo.Capacity capacity, long framesPosted, long emailsSent, long pushesSent, long sqsRequests) {
}
