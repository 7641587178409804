import { LightningElement, api } from 'lwc';

/**
 * A plain SLDS table for the setup page. Columns are { label, fieldName, type } where type is
 * 'text' (the default), 'datetime' (shown in the user's locale) or 'check' (a boolean shown as
 * an icon and the column's trueText / falseText).
 */
export default class AiCallSyncTable extends LightningElement {
    @api caption;
    @api columns = [];
    @api rows = [];
    @api keyField = 'id';

    get tableRows() {
        return (this.rows || []).map((row, index) => {
            const key = String(row[this.keyField] ?? index);
            return {
                key,
                cells: this.columns.map((column) => toCell(column, row[column.fieldName], key))
            };
        });
    }
}

function toCell(column, value, rowKey) {
    const isCheck = column.type === 'check';
    return {
        key: `${rowKey}-${column.fieldName}`,
        field: column.fieldName,
        isDate: column.type === 'datetime',
        isCheck,
        isText: !isCheck && column.type !== 'datetime',
        value: isCheck ? (value ? column.trueText : column.falseText) : value,
        date: value,
        icon: value ? 'utility:success' : 'utility:warning',
        variant: value ? 'success' : 'warning'
    };
}
