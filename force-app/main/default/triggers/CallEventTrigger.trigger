trigger CallEventTrigger on Call_Event__e(after insert) {
    CallEventSubscriber.handle(Trigger.new);
}
