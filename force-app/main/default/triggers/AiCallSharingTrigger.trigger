trigger AiCallSharingTrigger on AI_Call__c(after insert, after update) {
    if (CallSyncSwitches.isOn(CallSyncSwitches.CALL_SHARING)) {
        CallSharing.syncChanged(Trigger.new, Trigger.oldMap);
    }
}
